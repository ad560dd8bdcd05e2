import Foundation
import Testing
@testable import Loaders

/// IDX files made to hurt: gzip bombs whose header declares a small payload, and headers that
/// declare sizes no file holds. Every reader refuses them with a `LoaderError` naming the file
/// and the byte offset, without inflating the bomb or allocating what the header claims.
@Suite struct IDXHostileInputTests {
    /// Every way to read an images and labels pair; each reads both files to their end.
    enum Reader: CaseIterable {
        case array, datasetLoad, datasetStream, mnistLoad, mnistStream

        func read(_ pair: Pair) throws {
            switch self {
            case .array:
                _ = try IDXArray(contentsOf: pair.images)
                _ = try IDXArray(contentsOf: pair.labels)
            case .datasetLoad: try IDXDataset(images: pair.images, labels: pair.labels).load()
            case .datasetStream: try Self.drain(IDXDataset(images: pair.images, labels: pair.labels, shards: 2))
            case .mnistLoad: try MNIST(directory: pair.directory, split: .test).load()
            case .mnistStream: try Self.drain(MNIST(directory: pair.directory, split: .test))
            }
        }

        private static func drain<D: StreamingDataset>(_ dataset: D) throws {
            for shard in 0..<dataset.shardCount {
                var stream = try dataset.stream(shard: shard)
                while try stream.next() != nil {}
            }
        }
    }

    /// An images and a labels file under MNIST's test names (without `.gz`: gzip is told by its
    /// magic bytes), so that `MNIST(directory:)` finds the same files the other readers open.
    struct Pair {
        let directory: String
        var images: String { directory + "/t10k-images-idx3-ubyte" }
        var labels: String { directory + "/t10k-labels-idx1-ubyte" }

        init(images: [UInt8], labels: [UInt8]) throws {
            directory = try IDXFixtures.temporaryDirectory().path
            try Data(images).write(to: URL(fileURLWithPath: self.images))
            try Data(labels).write(to: URL(fileURLWithPath: self.labels))
        }

        func remove() { try? FileManager.default.removeItem(atPath: directory) }
    }

    static func fixtureBytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: IDXFixtures.idx(name))))
    }

    /// The gzip fixture `first` followed by 1024 members of 1 MiB of zeros, the last with its
    /// CRC-32 inverted: about 1 MB that inflates to 1 GiB past the payload its header declares.
    /// A reader that stops at the declared payload reports `.trailingData` there; one that
    /// inflated on would meet the bad CRC-32 (`.checksumMismatch`) or run out of memory first.
    static func bomb(after first: String) throws -> [UInt8] {
        let member = try fixtureBytes("zeros-1mib-member.gz")
        var bytes = try fixtureBytes(first)
        for _ in 0..<1024 { bytes += member }
        // The trailer is CRC-32 then ISIZE, 4 bytes each, little-endian.
        bytes[bytes.count - 8] ^= 0xFF
        return bytes
    }

    /// Runs alone in a child process: the peak resident memory is the whole process's.
    @Test func gzipBombsStopAtTheDeclaredPayloadInBoundedMemory() async throws {
        guard try await runningAloneInChildProcess("gzipBombsStopAtTheDeclaredPayloadInBoundedMemory") else { return }
        let images = try Self.fixtureBytes("small-images-idx3-ubyte.gz")
        let labels = try Self.fixtureBytes("small-labels-idx1-ubyte.gz")
        // Declared payloads end at 16 + 30 (images) and 8 + 5 (labels) decompressed bytes.
        let bombs = [
            (try Pair(images: try Self.bomb(after: "small-images-idx3-ubyte.gz"), labels: labels), true, 46),
            (try Pair(images: images, labels: try Self.bomb(after: "small-labels-idx1-ubyte.gz")), false, 13),
        ]
        defer { for (pair, _, _) in bombs { pair.remove() } }
        ProcessResources.resetPeakResidentBytes()
        let before = ProcessResources.residentBytes
        for (pair, imagesAreTheBomb, offset) in bombs {
            #expect(try IDXDataset(images: pair.images, labels: pair.labels).count == 5)
            for reader in Reader.allCases {
                let error = try #require(IDXFixtures.loaderError { try reader.read(pair) }, "\(reader)")
                #expect(error.code == .trailingData, "\(reader): \(error)")
                #expect(error.location == .byteOffset(offset), "\(reader): \(error)")
                #expect(error.path == (imagesAreTheBomb ? pair.images : pair.labels), "\(reader): \(error)")
                #expect(error.message.contains("decompressed stream"), "\(reader): \(error)")
            }
        }
        let growth = ProcessResources.peakResidentBytes - before
        #expect(growth < 64 << 20, "peak resident memory grew by \(growth) bytes reading 1 GiB bombs")
    }

    /// Headers declaring what no file holds, raw (the bytes here) and gzipped (the fixture of the
    /// same bytes), with the code and raw offset each is refused at; a gzip file declaring more
    /// than 1032 times its size is refused at the compressed file's end.
    static let absurdHeaders: [(String, [UInt8], String, LoaderError.Code, Int)] = [
        ("rank 255", [0, 0, 8, 255], "rank-255.gz", .unsupported, 3),
        ("2^40 uint8 elements", [0, 0, 8, 2, 0, 0x10, 0, 0, 0, 0x10, 0, 0], "elements-2pow40.gz", .truncated, 12),
        ("a dimension of 2^32-1", [0, 0, 8, 1, 0xFF, 0xFF, 0xFF, 0xFF], "huge-declared.gz", .truncated, 8),
        ("float64 dimensions overflowing Int", [0, 0, 0x0E, 3] + [UInt8](repeating: 0xFF, count: 12),
         "dimensions-overflow.gz", .unsupported, 8),
    ]

    /// Each absurd header, as the images and as the labels file, raw and gzipped, through every
    /// reader. An attempt to allocate what one declares (up to 2^40 bytes) would end the test run.
    @Test(arguments: absurdHeaders, [false, true])
    func absurdHeadersAreRefusedByEveryReaderBeforeAllocating(
        header: (String, [UInt8], String, LoaderError.Code, Int), gzipped: Bool
    ) throws {
        let (name, raw, fixture, code, rawOffset) = header
        let compressed = try Self.fixtureBytes(fixture)
        #expect(try IDXFixtures.gunzip(IDXFixtures.idx(fixture)) == raw, "\(fixture) does not hold the raw header")
        let absurd = gzipped ? compressed : raw
        let refusedBySize = code == .truncated
        let offset = gzipped && refusedBySize ? compressed.count : rawOffset
        let images = try Self.fixtureBytes("small-images-idx3-ubyte.gz")
        let labels = try Self.fixtureBytes("small-labels-idx1-ubyte.gz")
        for asImages in [true, false] {
            let pair = try Pair(images: asImages ? absurd : images, labels: asImages ? labels : absurd)
            defer { pair.remove() }
            for reader in Reader.allCases {
                let error = try #require(IDXFixtures.loaderError { try reader.read(pair) }, "\(name), \(reader)")
                #expect(error.code == code, "\(name), \(reader): \(error)")
                #expect(error.location == .byteOffset(offset), "\(name), \(reader): \(error)")
                #expect(error.path == (asImages ? pair.images : pair.labels), "\(name), \(reader): \(error)")
                let note = gzipped ? (refusedBySize ? "compressed file" : "decompressed stream") : "offset in the file"
                #expect(error.message.contains(note), "\(name), \(reader): \(error)")
            }
        }
    }

    /// No samples, each of 2^20 x 2^20 bytes: a valid, empty dataset. Nothing is allocated per
    /// sample, since no sample is read.
    @Test func anEmptyFileMayDeclareHugeSamples() throws {
        let pair = try Pair(images: [0, 0, 8, 3, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0x10, 0, 0], labels: [0, 0, 8, 1, 0, 0, 0, 0])
        defer { pair.remove() }
        let dataset = try IDXDataset(images: pair.images, labels: pair.labels)
        #expect(dataset.count == 0)
        #expect(dataset.sampleShape == [1, 1 << 20, 1 << 20])
        for reader in Reader.allCases {
            #expect(throws: Never.self, "\(reader)") { try reader.read(pair) }
        }
        #expect(try IDXArray(contentsOf: pair.images).count == 0)
    }
}
