import Foundation
import Testing
@testable import Loaders

@Suite struct GzipReaderTests {
    /// The uncompressed bytes every small-images gzip fixture was made from.
    func expected() throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: IDXFixtures.idx("small-images-idx3-ubyte"))))
    }

    @Test(arguments: [(1, 16), (7, 16), (46, 1 << 20), (4096, 1 << 20)])
    func readsWholeFileInAnyChunkSize(chunk: Int, blockSize: Int) throws {
        let bytes = try IDXFixtures.gunzip(IDXFixtures.idx("small-images-idx3-ubyte.gz"), chunk: chunk, blockSize: blockSize)
        #expect(bytes == (try expected()))
    }

    @Test(arguments: [(1, 16), (5, 16), (4096, 1 << 20)])
    func multiMemberFileReadsWhole(chunk: Int, blockSize: Int) throws {
        let bytes = try IDXFixtures.gunzip(IDXFixtures.idx("small-images-multimember.gz"), chunk: chunk, blockSize: blockSize)
        #expect(bytes == (try expected()))
    }

    @Test func mnistLabelsMatchKnownFirstLabels() throws {
        let bytes = try IDXFixtures.gunzip(IDXFixtures.mnist + "/train-labels-idx1-ubyte.gz")
        #expect(bytes.count == 60_008)
        #expect(Array(bytes[8..<18]) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
    }

    /// Bad files made by make_fixtures.py; offsets are in the compressed file.
    @Test(arguments: [
        // Cut inside the trailer: the error points at the end of the 58-byte file.
        ("truncated.gz", LoaderError.Code.truncated, 58...58),
        // zlib notices once it has read the 8-byte trailer of the 63-byte file.
        ("bad-crc.gz", .checksumMismatch, 55...63),
        ("bad-length.gz", .lengthMismatch, 55...63),
        // Byte 10 holds the reserved block type.
        ("corrupt-deflate.gz", .corrupt, 10...11),
        // The 63-byte member is followed by "garbage!".
        ("trailing-garbage.gz", .trailingData, 63...63),
    ])
    func badGzipIsATypedError(name: String, code: LoaderError.Code, offsets: ClosedRange<Int>) throws {
        let path = IDXFixtures.idx(name)
        let error = try #require(IDXFixtures.loaderError { _ = try IDXFixtures.gunzip(path) })
        #expect(error.code == code)
        #expect(error.path == path)
        guard case .byteOffset(let offset) = error.location else {
            Issue.record("no byte offset in \(error)")
            return
        }
        #expect(offsets.contains(offset), "\(error)")
        #expect(error.message.contains("compressed file"))
    }

    @Test func notGzipIsMalformedAtByteZero() throws {
        let path = IDXFixtures.idx("small-images-idx3-ubyte")
        let error = try #require(IDXFixtures.loaderError { _ = try GzipReader(path: path) })
        #expect(error.code == .malformed)
        #expect(error.location == .byteOffset(0))
    }

    @Test func emptyFileIsTruncated() throws {
        let path = try IDXFixtures.temporaryFile([])
        let error = try #require(IDXFixtures.loaderError { _ = try GzipReader(path: path) })
        #expect(error.code == .truncated)
    }

    @Test func missingFileIsAnIOErrorNamingIt() throws {
        let error = try #require(IDXFixtures.loaderError { _ = try GzipReader(path: "/nonexistent/file.gz") })
        #expect(error.code == .io)
        #expect(error.path == "/nonexistent/file.gz")
    }
}
