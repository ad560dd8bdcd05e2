import Foundation
import Testing
@testable import Loaders

/// Files that grow or shrink between being opened and being read on: the readers that go front to
/// back read the file as it was opened and say that it changed, naming both sizes, at a place
/// inside the file as it now is.
@Suite struct FileChangedWhileReadTests {
    /// A private copy of a fixture under Fixtures/idx/, to change.
    static func copy(_ fixture: String) throws -> String {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: IDXFixtures.idx(fixture))))
        return try IDXFixtures.temporaryFile(bytes, name: fixture)
    }

    static func size(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }

    static func append(_ bytes: [UInt8], to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: bytes)
        try handle.close()
    }

    static func truncate(_ path: String, to size: Int) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(size))
        try handle.close()
    }

    /// How the file changes after the first bytes were read.
    enum Change: String, CaseIterable, CustomTestStringConvertible {
        /// A second copy of the file's own bytes: for gzip, a valid second member.
        case grows
        /// Cut to 32 bytes: inside the gzip data, inside the IDX payload.
        case shrinks
        var testDescription: String { rawValue }

        /// Applies the change to the file at `path`; returns its new size.
        func apply(to path: String) throws -> Int {
            switch self {
            case .grows:
                try FileChangedWhileReadTests.append([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), to: path)
            case .shrinks:
                try FileChangedWhileReadTests.truncate(path, to: 32)
            }
            return try FileChangedWhileReadTests.size(path)
        }
    }

    /// Checks the error for a file that had `before` bytes when opened and `after` now.
    static func expectFileChanged(_ error: LoaderError?, path: String, before: Int, after: Int) throws {
        let error = try #require(error)
        #expect(error.code == .fileChanged, "\(error)")
        #expect(error.path == path)
        #expect(error.message == "the file changed while it was read: \(before) bytes when opened, \(after) bytes now (offset in the file)")
        // The place is where reading got to, within the file as it now is.
        guard case .byteOffset(let offset) = error.location else {
            Issue.record("no byte offset: \(error)")
            return
        }
        #expect(offset <= min(before, after))
    }

    /// Small blocks make the reader come back to the file after the change; a block larger than
    /// the file has read it all at the open, and the change shows at the end.
    @Test(arguments: Change.allCases, [16, 1 << 20])
    func aGzipFileThatChangesWhileReadIsAFileChangedError(_ change: Change, blockSize: Int) throws {
        let path = try Self.copy("small-images-idx3-ubyte.gz")
        let before = try Self.size(path)
        let reader = try GzipReader(path: path, blockSize: blockSize)
        var buffer = [UInt8](repeating: 0, count: 4)
        #expect(try buffer.withUnsafeMutableBytes { try reader.read(into: $0) } == 4)
        let after = try change.apply(to: path)
        let error = IDXFixtures.loaderError {
            var rest = [UInt8](repeating: 0, count: 1 << 16)
            _ = try rest.withUnsafeMutableBytes { try reader.read(into: $0) }
        }
        try Self.expectFileChanged(error, path: path, before: before, after: after)
    }

    /// Streaming an IDX dataset, raw or gzipped, with the images file changing after the first sample.
    @Test(arguments: Change.allCases, ["small-images-idx3-ubyte", "small-images-idx3-ubyte.gz"])
    func anIDXStreamWhoseFileChangesIsAFileChangedError(_ change: Change, images fixture: String) throws {
        let images = try Self.copy(fixture)
        let before = try Self.size(images)
        let dataset = try IDXDataset(images: images, labels: IDXFixtures.idx("small-labels-idx1-ubyte"))
        var stream = try dataset.stream(shard: 0)
        // small-images-idx3-ubyte: image 0 holds the bytes 0 … 5, its label is 3.
        let first = try #require(try stream.next())
        #expect(first.label == 3)
        #expect(first.features.scalars == (0..<6).map { Float($0) / 255 })
        let after = try change.apply(to: images)
        let error = IDXFixtures.loaderError { while try stream.next() != nil {} }
        try Self.expectFileChanged(error, path: images, before: before, after: after)
    }

    /// An unchanged file still reads to its end without complaint, in blocks of every size.
    @Test(arguments: [16, 17, 64, 1 << 20])
    func anUnchangedFileReadsWhole(blockSize: Int) throws {
        let expected = [UInt8](try Data(contentsOf: URL(fileURLWithPath: IDXFixtures.idx("small-images-idx3-ubyte"))))
        let path = IDXFixtures.idx("small-images-idx3-ubyte.gz")
        #expect(try IDXFixtures.gunzip(path, chunk: 7, blockSize: blockSize) == expected)
    }
}

/// A header that changed between opening a dataset and reading its payloads names its own file.
@Suite struct IDXHeaderChangedTests {
    @Test(arguments: [false, true])
    func aLabelsHeaderThatChangedIsNamedWithBothShapes(streaming: Bool) throws {
        let images = try FileChangedWhileReadTests.copy("small-images-idx3-ubyte")
        let labels = try FileChangedWhileReadTests.copy("small-labels-idx1-ubyte")
        let dataset = try IDXDataset(images: images, labels: labels)
        // four-labels-idx1-ubyte: uint8 labels 3 1 4 1, in place of the five.
        try FileManager.default.removeItem(atPath: labels)
        try FileManager.default.copyItem(atPath: IDXFixtures.idx("four-labels-idx1-ubyte"), toPath: labels)
        let error = try #require(IDXFixtures.loaderError {
            if streaming { _ = try dataset.stream(shard: 0) } else { try dataset.load() }
        })
        #expect(error.code == .fileChanged)
        #expect(error.path == labels)
        #expect(error.location == .byteOffset(0))
        #expect(error.message == "the IDX header changed since the dataset was opened: uint8 5 then, uint8 4 now")
    }
}

/// A payload larger than the memory there is to hold it is refused before it is allocated.
@Suite struct IDXMemoryTests {
    /// small-images-idx3-ubyte: a 16-byte header and 30 payload bytes, 46 in all.
    @Test(arguments: ["small-images-idx3-ubyte", "small-images-idx3-ubyte.gz"])
    func aFileLargerThanMemoryIsRefusedNamingItsSize(_ fixture: String) throws {
        let path = IDXFixtures.idx(fixture)
        let note = fixture.hasSuffix(".gz") ? "offset in the decompressed stream" : "offset in the file"
        let error = try #require(IDXFixtures.loaderError { _ = try IDXArray(contentsOf: path, memoryLimit: 45) })
        #expect(error.code == .resourceExhausted)
        #expect(error.path == path)
        #expect(error.location == .byteOffset(4))
        #expect(error.message == "the whole file (streaming holds one sample at a time) as the IDX header declares it (\(note)) needs 46 bytes, more than the memory limit of 45 bytes (MemoryLimit.bytes, --memory-limit)")
        #expect(try IDXArray(contentsOf: path, memoryLimit: 46).shape == [5, 2, 3])
    }
}
