import Foundation
import Loaders
import Testing
@testable import Training

@Suite struct ModelFileTests {
    static func model(seed: UInt64) -> Sequential {
        Sequential([
            Conv2d(inputChannels: 1, outputChannels: 2, kernelSize: 3, seed: seed), ReLU(), Flatten(),
            Linear(inputFeatures: 18, outputFeatures: 3, seed: seed + 1),
        ])
    }

    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("modelfile-\(UUID().uuidString)-\(name)").path
    }

    @Test func roundTripsBitForBit() throws {
        let original = Self.model(seed: 1)
        original.parameters[0].value.scalars[0] = -.zero   // signs and odd values survive too
        original.parameters[0].value.scalars[1] = .leastNonzeroMagnitude
        let path = Self.temporaryPath("roundtrip.bin")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(original.parameters, to: path)

        let restored = Self.model(seed: 7)
        #expect(restored.parameters[3].value != original.parameters[3].value)
        try ModelFile.load(into: restored.parameters, from: path)
        for (a, b) in zip(original.parameters, restored.parameters) {
            #expect(a.value.scalars.map(\.bitPattern) == b.value.scalars.map(\.bitPattern))
        }
        // 4 magic + 4 version + 4 + 2 metadata "{}" + 4 count; per parameter 4 + name + 4 + 4·rank + 4·count.
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        let expected = 18 + (4 + 8 + 4 + 16 + 4 * 18) + (4 + 6 + 4 + 4 + 4 * 2) + (4 + 8 + 4 + 8 + 4 * 54) + (4 + 6 + 4 + 4 + 4 * 3)
        #expect(size == expected)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Array(bytes[0..<18]) == Array("SLPM".utf8) + [2, 0, 0, 0, 2, 0, 0, 0] + Array("{}".utf8) + [4, 0, 0, 0])
        #expect(Array(bytes[18..<30]) == [8, 0, 0, 0] + Array("0.weight".utf8))
    }

    @Test func rejectsShapeMismatchNamingTheRecord() throws {
        let path = Self.temporaryPath("mismatch.bin")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(Self.model(seed: 1).parameters, to: path)
        let other = Sequential([Conv2d(inputChannels: 1, outputChannels: 3, kernelSize: 3), ReLU(), Flatten(),
                                Linear(inputFeatures: 27, outputFeatures: 3)])
        let before = other.parameters.map(\.value)
        let error = try #require(throws: LoaderError.self) { try ModelFile.load(into: other.parameters, from: path) }
        #expect(error.code == .mismatch)
        #expect(error.location == .byteOffset(18))
        #expect(error.path == path)
        #expect(other.parameters.map(\.value) == before)
    }

    @Test func rejectsTruncatedAndForeignFiles() throws {
        let path = Self.temporaryPath("truncated.bin")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = Self.model(seed: 1)
        try ModelFile.save(model.parameters, to: path)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 2).write(to: URL(fileURLWithPath: path))
        let truncated = try #require(throws: LoaderError.self) { try ModelFile.load(into: model.parameters, from: path) }
        #expect(truncated.code == .truncated)

        try Data("not a model".utf8).write(to: URL(fileURLWithPath: path))
        let foreign = try #require(throws: LoaderError.self) { try ModelFile.load(into: model.parameters, from: path) }
        #expect(foreign.code == .malformed)
        #expect(foreign.location == .byteOffset(0))

        let missing = try #require(throws: LoaderError.self) {
            try ModelFile.load(into: model.parameters, from: path + ".absent")
        }
        #expect(missing.code == .io)
    }

    /// A model file followed by a sparse gibibyte, and one whose first name claims 4 GiB: each is
    /// refused at the right byte after reading only the model's own size.
    @Test func oversizedFilesAreRefusedWithoutReadingThem() throws {
        let path = Self.temporaryPath("oversized.bin")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = Self.model(seed: 1)
        try ModelFile.save(model.parameters, to: path)
        let saved = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(truncate(path, 1 << 30) == 0)
        let trailing = try #require(throws: LoaderError.self) { try ModelFile.load(into: model.parameters, from: path) }
        #expect(trailing.code == .malformed)
        #expect(trailing.location == .byteOffset(saved.count))
        #expect(trailing.message.hasPrefix("\((1 << 30) - saved.count) bytes after"))

        var longName = saved
        longName.replaceSubrange(18..<22, with: [0xFF, 0xFF, 0xFF, 0xFF])
        try longName.write(to: URL(fileURLWithPath: path))
        let name = try #require(throws: LoaderError.self) { try ModelFile.load(into: model.parameters, from: path) }
        #expect(name.code == .mismatch)
        #expect(name.location == .byteOffset(18))
    }

    /// Metadata comes back as saved; a version 1 file (no metadata field: the same bytes without
    /// it) still loads, with empty metadata.
    @Test func metadataRoundTripsAndVersionOneFilesLoad() throws {
        let path = Self.temporaryPath("metadata.bin")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = Self.model(seed: 1)
        let metadata = ["model": "conv(2,3) relu flatten linear(3)", "task": "regression", "note": "ünïcode \"quoted\""]
        try ModelFile.save(model.parameters, metadata: metadata, to: path)
        #expect(try ModelFile.metadata(at: path) == metadata)

        try ModelFile.save(model.parameters, to: path)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes.replaceSubrange(4..<14, with: [1, 0, 0, 0])   // version 1, and no metadata field
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(try ModelFile.metadata(at: path) == [:])
        let restored = Self.model(seed: 9)
        try ModelFile.load(into: restored.parameters, from: path)
        #expect(restored.parameters.map(\.value) == model.parameters.map(\.value))
    }

    /// A metadata length past the limit is refused before anything is allocated; metadata that is
    /// not a JSON object of strings is malformed at its first byte.
    @Test func damagedMetadataIsMalformedAtItsOffset() throws {
        let path = Self.temporaryPath("bad-metadata.bin")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let model = Self.model(seed: 1)
        try ModelFile.save(model.parameters, to: path)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes.replaceSubrange(8..<12, with: [0xFF, 0xFF, 0xFF, 0x7F])
        try bytes.write(to: URL(fileURLWithPath: path))
        let huge = try #require(throws: LoaderError.self) { try ModelFile.load(into: model.parameters, from: path) }
        #expect(huge.code == .malformed && huge.location == .byteOffset(8))

        bytes.replaceSubrange(8..<14, with: [2, 0, 0, 0] + Array("[]".utf8))
        try bytes.write(to: URL(fileURLWithPath: path))
        let notObject = try #require(throws: LoaderError.self) { try ModelFile.metadata(at: path) }
        #expect(notObject.code == .malformed && notObject.location == .byteOffset(12))
    }
}
