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
        while let sample = try stream.next() { streamed.append(sample.label!) }
        #expect(streamed == [3, 1, 4, 1, 5])
    }

    /// The first error each CSV reader reports for `path`: `CSVDataset`, every shard of
    /// `CSVStreamingDataset`, and `CSVSummary`.
    static func csvErrors(_ path: String, format: CSVFormat = .standard) -> [LoaderError?] {
        [
            IDXFixtures.loaderError { _ = try CSVDataset(path, labelColumn: "label", format: format) },
            IDXFixtures.loaderError {
                let dataset = try CSVStreamingDataset(path, labelColumn: "label", format: format)
                for shard in 0..<dataset.shardCount {
                    var stream = try dataset.stream(shard: shard)
                    while try stream.next() != nil {}
                }
            },
            IDXFixtures.loaderError { _ = try CSVSummary(path: path, format: format) },
        ]
    }

    /// `5,6,` under a four-column header: the record ends after an empty third field, one field
    /// short. At that place (line 3, column 5, the line end) the defect is the field count, which
    /// `CSVSummary` reports; the dataset readers used to call the empty field not a number.
    @Test func shortRecordEndingInAnEmptyFieldIsAFieldCountError() {
        let path = Self.input("csv/short-record-empty-last-field.csv")
        for error in Self.csvErrors(path) {
            #expect(error?.code == .fieldCount)
            #expect(error?.path == path)
            #expect(error?.location == .lineColumn(line: 3, column: 5))
        }
    }

    /// Line 3's `note` field is 114 unquoted bytes and then a quote, read with a 64-byte field
    /// limit: the field is too long before the quote is reached, so the error is `.fieldTooLong`
    /// at the field's start (line 3, column 5) whatever the read blocks. It used to be
    /// `.unexpectedQuote` when one block held the whole field, and `.fieldTooLong` otherwise.
    @Test(arguments: [64, 100, 150, CSVBlockReader.defaultBlockSize])
    func quoteAfterTheFieldLimitIsFieldTooLong(blockSize: Int) {
        let path = Self.input("csv/quote-after-field-limit.csv")
        var format = CSVFormat(maxFieldLength: 64)
        format.blockSize = blockSize
        for error in Self.csvErrors(path, format: format) {
            #expect(error?.code == .fieldTooLong)
            #expect(error?.path == path)
            #expect(error?.location == .lineColumn(line: 3, column: 5))
        }
    }

    /// A record one field short whose last field is quoted: `4,5,"y"` under four columns, and
    /// `1,"x"` as the first record under three. Every reader names the line end after the
    /// closing quote (column 8, and column 6); `CSVSummary`, and any reader meeting the first
    /// record, used to name the closing quote itself.
    @Test func shortRecordEndingInAQuotedFieldIsReportedAfterTheQuote() throws {
        let path = Self.input("csv/short-record-quoted-last-field.csv")
        for error in Self.csvErrors(path) {
            #expect(error?.code == .fieldCount)
            #expect(error?.location == .lineColumn(line: 3, column: 8))
        }
        let first = try CSVFixturePaths.temporary("a,b,label\n1,\"x\"\n")
        defer { try? FileManager.default.removeItem(atPath: first) }
        for error in Self.csvErrors(first) {
            #expect(error?.code == .fieldCount)
            #expect(error?.location == .lineColumn(line: 2, column: 6))
        }
    }
}
