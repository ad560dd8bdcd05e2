import Foundation
import Testing
@testable import Loaders

/// The inputs fuzzing found (Fixtures/fuzz/, described in Fixtures/README.md and
/// Docs/Fuzzing.md), each read the way a user reads it, with the expected error or values worked
/// out independently.
@Suite struct FuzzFindingTests {
    static func input(_ name: String) -> String { CSVFixturePaths.fixtures + "/fuzz/" + name }

    /// A gzip member cut short whose last deflate bytes ask for data from before the output's
    /// start. Python's zlib, fed the file a byte at a time, reports "invalid distance too far
    /// back" at the 31st and last byte, after 256 decompressed bytes. Read a few bytes at a time,
    /// the reader used to call the file truncated: it gave up once every byte of the file was
    /// consumed, while zlib still held decoded bits.
    @Test(arguments: [(1, 16), (7, 24), (256, 16), (1 << 16, 1 << 20)])
    func corruptDataInTheLastBytesIsFoundWhateverTheReadSize(chunk: Int, blockSize: Int) throws {
        let path = Self.input("gzip/corrupt-after-all-input.gz")
        let reader = try GzipReader(path: path, blockSize: blockSize)
        var buffer = [UInt8](repeating: 0, count: chunk)
        var delivered = 0
        let error = IDXFixtures.loaderError {
            while true {
                let got = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                delivered += got
                if got < chunk { return }
            }
        }
        #expect(error?.code == .corrupt)
        #expect(error?.path == path)
        #expect(error?.location == .byteOffset(31))
        #expect(error?.message.contains("too far back") == true)
        // A read that fails delivers nothing, so only whole reads before the bad distance arrive.
        #expect(delivered == 256 / chunk * chunk)
    }

    /// A member whose optional header CRC-32 (flag FHCRC) is wrong: zlib and GNU gzip reject it
    /// once they have read the 12 header bytes (Python's zlib, fed a byte at a time, stops there).
    @Test func wrongHeaderCRCIsCorrupt() throws {
        let path = Self.input("gzip/header-crc-mismatch.gz")
        let error = IDXFixtures.loaderError { _ = try IDXFixtures.gunzip(path) }
        #expect(error?.code == .corrupt)
        #expect(error?.path == path)
        #expect(error?.location == .byteOffset(12))
        #expect(error?.message.contains("header crc mismatch") == true)
    }

    /// libdeflate skips the header CRC, so loading a whole file used to accept a later member
    /// whose header CRC is wrong, which streaming rejects. The first member of
    /// Fixtures/idx/bad-header-crc.gz is 30 bytes, so zlib stops at byte 30 + 12 (Python's zlib,
    /// fed a byte at a time); with the right CRC both paths read the labels 3 1 4 1 5.
    @Test func wrongHeaderCRCInALaterMemberIsCorruptForWholeAndStreamedReads() throws {
        let path = IDXFixtures.idx("bad-header-crc.gz")
        let images = IDXFixtures.idx("small-images-idx3-ubyte")
        let errors = [
            IDXFixtures.loaderError { _ = try IDXArray(contentsOf: path) },
            IDXFixtures.loaderError { try IDXDataset(images: images, labels: path).load() },
            IDXFixtures.loaderError {
                var stream = try IDXDataset(images: images, labels: path).stream(shard: 0)
                while try stream.next() != nil {}
            },
        ]
        for error in errors {
            #expect(error?.code == .corrupt)
            #expect(error?.path == path)
            #expect(error?.location == .byteOffset(42))
        }

        let good = IDXFixtures.idx("header-crc.gz")
        let labels = try IDXArray(contentsOf: good)
        #expect(labels.shape == [5])
        #expect((0..<5).map(labels.integer(at:)) == [3, 1, 4, 1, 5])
        var stream = try IDXDataset(images: images, labels: good).stream(shard: 0)
        var streamed: [Int] = []
        while let sample = try stream.next() { streamed.append(sample.label) }
        #expect(streamed == [3, 1, 4, 1, 5])
    }
}
