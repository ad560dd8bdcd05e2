import Foundation
import Loaders
import Testing
@testable import Training

@Suite struct CheckpointFileTests {
    typealias Run = CheckpointRun

    /// A trained run's checkpoint with every field filled, including values JSON has no words for.
    static func checkpoint() throws -> TrainingCheckpoint {
        let trainer = Run.trainer(.adam)
        try Run.train(trainer, on: Run.batches(3))
        trainer.model.parameters[0].value.scalars[0] = -.zero
        trainer.model.parameters[0].value.scalars[1] = .leastNonzeroMagnitude
        trainer.model.parameters[0].value.scalars[2] = .nan
        let confusion = ClassificationMetrics(confusion: [[3, 1, 0], [0, 2, 0], [1, 0, 1]])
        let reports = [
            EpochReport(epoch: 1, trainLoss: 1.0986122886681098, test: Evaluation(samples: 8, loss: 0.1 + 0.2, metrics: .classification(confusion)),
                        trainSeconds: 0.123456789, samples: 24),
            EpochReport(epoch: 2, trainLoss: .infinity, test: nil, trainSeconds: 1e-300, samples: 24),
        ]
        var checkpoint = trainer.checkpoint(completedEpochs: reports, loaderState: Data((0..<300).map { UInt8($0 % 256) }),
                                            metadata: ["--model": "conv(4,3) relu", "--seed": "7", "ünïcode": "✓"])
        checkpoint.epochInProgress = EpochProgress(epoch: 3, batches: 2, samples: 16, lossSum: 17.25, trainSeconds: 0.5)
        return checkpoint
    }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    static func write(_ bytes: [UInt8], _ path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

    /// The header's byte count, from the file's fixed fields.
    static func headerBytes(_ bytes: [UInt8]) -> Int { Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24 }

    @Test func roundTripsEveryFieldBitForBit() throws {
        let original = try Self.checkpoint()
        let folder = try Run.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/a.ckpt"
        try original.write(to: path)
        let read = try TrainingCheckpoint(contentsOf: path)
        #expect(read.path == path)
        #expect(read.tensors.map(\.name) == original.tensors.map(\.name) && read.tensors.map(\.shape) == original.tensors.map(\.shape))
        #expect(read.tensors.map { $0.values.map(\.bitPattern) } == original.tensors.map { $0.values.map(\.bitPattern) })
        #expect(read.optimizer == original.optimizer)
        #expect(read.optimizer.steps == 3 && read.optimizer.kind == "Adam")
        #expect(read.generators == original.generators && read.generators[0].seed == 0xDEAD_BEEF_CAFE_F00D)
        #expect(read.schedulerSteps == 3 && read.globalStep == 3)
        #expect(read.completedEpochs[0] == original.completedEpochs[0])
        #expect(read.completedEpochs[1].trainLoss == .infinity && read.completedEpochs[1].trainSeconds == 1e-300)
        #expect(read.epochInProgress == original.epochInProgress)
        #expect(read.loaderState == original.loaderState)
        #expect(read.metadata == original.metadata)

        // The layout: 16 fixed bytes, the header, the arrays, the loader state, the checksum.
        let bytes = try Self.bytes(path)
        let floats = original.tensors.reduce(0) { $0 + $1.values.count }
            + original.optimizer.buffers.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.count } }
        #expect(bytes.count == 16 + Self.headerBytes(bytes) + 4 * floats + 300 + 4)
        #expect(Array(bytes[0..<8]) == Array("SLCK".utf8) + [1, 0, 0, 0])
        #expect(bytes[16] == UInt8(ascii: "{"))
        #expect(CRC32.checksum(bytes.dropLast(4)) == UInt32(bytes[bytes.count - 4]) | UInt32(bytes[bytes.count - 3]) << 8
                | UInt32(bytes[bytes.count - 2]) << 16 | UInt32(bytes[bytes.count - 1]) << 24)
    }

    /// Where a cut or a flipped byte lands, from the file's own layout.
    enum Place: String, CaseIterable, Sendable {
        case magic, version, headerLength, headerChecksum, header, firstTensor, optimizerBuffer, loaderState, checksum

        func offset(in bytes: [UInt8]) -> Int {
            let headerEnd = 16 + CheckpointFileTests.headerBytes(bytes)
            return switch self {
            case .magic: 1
            case .version: 5
            case .headerLength: 9
            case .headerChecksum: 13
            case .header: 16 + (headerEnd - 16) / 2
            case .firstTensor: headerEnd + 10
            // Inside exp_avg_sq, the last array: 4 · 483 bytes before the loader state.
            case .optimizerBuffer: bytes.count - 304 - 1000
            case .loaderState: bytes.count - 100
            case .checksum: bytes.count - 2
            }
        }
    }

    @Test(arguments: [Place.magic, .version, .headerLength, .header, .firstTensor, .optimizerBuffer, .loaderState, .checksum])
    func aTruncatedFileIsATypedErrorNamingTheFileAndWhereItEnds(_ place: Place) throws {
        let folder = try Run.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/cut.ckpt"
        try Self.checkpoint().write(to: path)
        let bytes = try Self.bytes(path)
        let length = place.offset(in: bytes)
        try Self.write(Array(bytes.prefix(length)), path)
        let error = try #require(throws: LoaderError.self) { try TrainingCheckpoint(contentsOf: path) }
        #expect(error.path == path)
        #expect(error.code == .truncated)
        #expect(error.location == .byteOffset(length))
    }

    @Test(arguments: Place.allCases)
    func aFlippedByteIsATypedErrorNamingTheFileAndAPlace(_ place: Place) throws {
        let folder = try Run.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/flipped.ckpt"
        try Self.checkpoint().write(to: path)
        var bytes = try Self.bytes(path)
        let offset = place.offset(in: bytes)
        bytes[offset] ^= 0x10
        try Self.write(bytes, path)
        let error = try #require(throws: LoaderError.self) { try TrainingCheckpoint(contentsOf: path) }
        #expect(error.path == path)
        let expected: (LoaderError.Code, Int) = switch place {
        case .magic: (.malformed, 0)
        case .version: (.unsupported, 4)
        // A longer header runs past the checksum's bytes or fails its checksum: either is said.
        case .headerLength: error.code == .truncated ? (.truncated, bytes.count) : (.checksumMismatch, 12)
        case .headerChecksum, .header: (.checksumMismatch, 12)
        case .firstTensor, .optimizerBuffer, .loaderState, .checksum: (.checksumMismatch, bytes.count - 4)
        }
        #expect(error.code == expected.0)
        #expect(error.location == .byteOffset(expected.1))
    }

    @Test func anEmptyFileAModelFileAndRandomBytesAreNotCheckpoints() throws {
        let folder = try Run.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let empty = folder + "/empty.ckpt"
        try Self.write([], empty)
        let model = folder + "/model.bin"
        try ModelFile.save(Run.model().state, to: model)
        var random = SeededGenerator(seed: 3)
        let noise = folder + "/noise.ckpt"
        try Self.write((0..<5000).map { _ in UInt8.random(in: 0...255, using: &random) }, noise)
        for path in [empty, model, noise] {
            let error = try #require(throws: LoaderError.self) { try TrainingCheckpoint(contentsOf: path) }
            #expect(error.code == .malformed && error.path == path && error.location == .byteOffset(0))
            #expect(error.message.contains("not a checkpoint"))
        }
    }

    @Test func aHeaderDeclaringHugeArraysIsRefusedBeforeAllocating() throws {
        let folder = try Run.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/huge.ckpt"
        var checkpoint = try Self.checkpoint()
        // A header that says 2^40 floats, with both checksums right: only the size can tell.
        checkpoint.tensors[0] = .init(name: "0.weight", shape: [1 << 40], values: [])
        try checkpoint.write(to: path)
        let size = try Self.bytes(path).count
        let error = try #require(throws: LoaderError.self) { try TrainingCheckpoint(contentsOf: path) }
        #expect(error.code == .truncated && error.path == path && error.location == .byteOffset(size))
        #expect(error.message.contains("its header declares \(size - checkpoint.tensors[0].values.count + 4 << 40)"))

        checkpoint.tensors[0] = .init(name: "0.weight", shape: [1 << 62, 1 << 62], values: [])
        try checkpoint.write(to: path)
        let overflow = try #require(throws: LoaderError.self) { try TrainingCheckpoint(contentsOf: path) }
        #expect(overflow.code == .malformed && overflow.path == path && overflow.location == .byteOffset(16))
    }

    @Test func bytesAfterTheEndAreTrailingData() throws {
        let folder = try Run.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/long.ckpt"
        try Self.checkpoint().write(to: path)
        let bytes = try Self.bytes(path)
        try Self.write(bytes + [0, 0], path)
        let error = try #require(throws: LoaderError.self) { try TrainingCheckpoint(contentsOf: path) }
        #expect(error.code == .trailingData && error.location == .byteOffset(bytes.count))
    }
}
