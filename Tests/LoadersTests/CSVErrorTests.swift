import Foundation
import Testing
@testable import Loaders

/// A malformed file and the error it must raise: code, line, column, words of the message.
struct ErrorCase: CustomTestStringConvertible, Sendable {
    var name: String
    var text: String
    var format = CSVFormat.standard
    var code: LoaderError.Code
    var line: Int?
    var column: Int?
    var mentions: [String] = []
    var testDescription: String { name }
}

let errorCases: [ErrorCase] = [
    ErrorCase(name: "unterminated quote", text: "a,label\n1,0\n\"2,1\n3,1\n", code: .unterminatedQuote,
              line: 5, column: 1, mentions: ["opened at line 3, column 1", "\"a\""]),
    ErrorCase(name: "quote inside an unquoted field", text: "a,label\n1,0\n2\"x,1\n", code: .unexpectedQuote,
              line: 3, column: 2, mentions: ["\"a\""]),
    ErrorCase(name: "character after a closing quote", text: "a,label\n\"1\"x,0\n", code: .unexpectedQuote,
              line: 2, column: 4, mentions: ["closing quote"]),
    ErrorCase(name: "too few fields", text: "a,b,label\n1,2,0\n3,4\n", code: .fieldCount,
              line: 3, column: 4, mentions: ["2 fields", "header has 3"]),
    ErrorCase(name: "too many fields", text: "a,label\n1,0\n1,0,5\n", code: .fieldCount,
              line: 3, column: 5, mentions: ["more than the header's 2"]),
    ErrorCase(name: "too many fields in the first record", text: "a,label\n1,0,5\n", code: .fieldCount,
              line: 2, column: 5),
    ErrorCase(name: "not a number", text: "x,label\n1,0\nabc,1\n", code: .notANumber,
              line: 3, column: 1, mentions: ["\"x\"", "\"abc\""]),
    ErrorCase(name: "empty value in a numeric column", text: "x,y,label\n1,2,0\n3,,1\n", code: .notANumber,
              line: 3, column: 3, mentions: ["\"y\""]),
    ErrorCase(name: "not a number after a multi-line field", text: "t,x,label\n\"a\nb\",1,0\n\"c\",zz,1\n",
              code: .notANumber, line: 4, column: 5, mentions: ["\"zz\""]),
    ErrorCase(name: "column counts characters, not bytes", text: "t,x,label\nnaïve,1,0\nété,1e,1\n",
              code: .notANumber, line: 3, column: 5, mentions: ["\"1e\""]),
    ErrorCase(name: "not an integer label", text: "x,label\n1,0\n2,cat\n", code: .notANumber,
              line: 3, column: 3, mentions: ["label", "\"cat\""]),
    ErrorCase(name: "fractional label", text: "x,label\n1,0.5\n", code: .notANumber, line: 2, column: 3),
    ErrorCase(name: "field longer than the limit", text: "x,label\n1,0\n123456,0\n",
              format: CSVFormat(maxFieldLength: 5), code: .fieldTooLong, line: 3, column: 1, mentions: ["5 bytes"]),
    ErrorCase(name: "NUL byte in a numeric field", text: "x,label\n1,0\n1\u{0}2,0\n", code: .notANumber,
              line: 3, column: 1, mentions: ["\"x\""]),
    ErrorCase(name: "quote at the very end of the file", text: "x,label\n1,\"", code: .unterminatedQuote,
              line: 2, column: 4, mentions: ["opened at line 2, column 3", "\"label\""]),
    ErrorCase(name: "first record wider than any file may be",
              text: String(repeating: "a,", count: CSVSchema.maxColumns) + "label\n1\n", code: .fieldCount,
              line: 1, column: 2 * CSVSchema.maxColumns + 1, mentions: ["first record", "\(CSVSchema.maxColumns) fields"]),
    ErrorCase(name: "one long line of delimiters without a header", text: String(repeating: "1,", count: CSVSchema.maxColumns + 5),
              format: CSVFormat(hasHeader: false), code: .fieldCount, line: 1, column: 2 * CSVSchema.maxColumns + 1),
    ErrorCase(name: "empty field before a minus delimiter", text: "a-b-label\n1-2-0\n1--2\n", format: CSVFormat(delimiter: "-"),
              code: .notANumber, line: 3, column: 3, mentions: ["\"b\""]),
    ErrorCase(name: "empty file", text: "", code: .emptyFile),
    ErrorCase(name: "only a byte-order mark and blank lines", text: "\u{FEFF}\n\n", code: .emptyFile),
    ErrorCase(name: "header without records", text: "x,label\n", code: .emptyFile, mentions: ["no data records"]),
    ErrorCase(name: "no such label column", text: "x,y\n1,2\n", code: .noSuchColumn, mentions: ["\"label\"", "\"x\", \"y\""]),
    ErrorCase(name: "no numeric features", text: "name,label\nfoo,1\n", code: .noSuchColumn),
]

@Test(arguments: errorCases)
func csvReportsError(_ testCase: ErrorCase) throws {
    let path = try CSVFixturePaths.temporary(testCase.text)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let error = try #require(throws: LoaderError.self) { try CSVDataset(path, format: testCase.format) }
    #expect(error.code == testCase.code, "\(error)")
    #expect(error.path == path)
    if let line = testCase.line, let column = testCase.column {
        #expect(error.location == .lineColumn(line: line, column: column), "\(error)")
    }
    for words in testCase.mentions {
        #expect(error.description.contains(words), "\(error.description) should mention \(words)")
    }
}

@Test func csvReportsMissingFileAndNamedColumns() throws {
    let missing = try #require(throws: LoaderError.self) { try CSVDataset("/nonexistent/data.csv") }
    #expect(missing.code == .io)
    #expect(missing.path == "/nonexistent/data.csv")

    let path = try CSVFixturePaths.temporary("x,label\n1,0\n")
    #expect(throws: LoaderError.self) { try CSVDataset(path, featureColumns: ["nope"]) }
    #expect(throws: LoaderError.self) { try CSVDataset(path, featureColumns: ["label"]) }
    // Named twice, a column would leave one feature slot of every row unwritten.
    let twice = try #require(throws: LoaderError.self) { try CSVDataset(path, featureColumns: ["x", "x"]) }
    #expect(twice.code == .noSuchColumn && twice.description.contains("named twice"), "\(twice)")
    #expect(throws: LoaderError.self) { try CSVStreamingDataset(path, featureColumns: ["x", "x"]) }
}

/// A defect in the last of several pieces parsed in parallel is reported at its true line, and
/// when two pieces hold defects, the first in the file wins.
@Test(arguments: [1, 2, 4])
func csvReportsFirstErrorWhateverTheThreadCount(threads: Int) throws {
    var rows = (0..<200_000).map { "\($0),\($0 % 3)\n" }
    rows[150_000] = "oops,1\n"
    rows[190_000] = "1,2,3\n"
    let path = try CSVFixturePaths.temporary("x,label\n" + rows.joined())
    defer { try? FileManager.default.removeItem(atPath: path) }
    let error = try #require(throws: LoaderError.self) {
        try CSVDataset(
            path, labelColumn: "label", featureColumns: nil, shape: nil, format: .standard, threads: threads,
            minimumPieceBytes: 50_000)
    }
    #expect(error.code == .notANumber)
    #expect(error.location == .lineColumn(line: 150_002, column: 1))
}

/// A header that is not valid UTF-8 still names its columns (with replacement characters).
@Test func csvReadsAHeaderThatIsNotUTF8() throws {
    let path = try CSVFixturePaths.temporary(Array("a".utf8) + [0xFF, 0xC3] + Array(",label\n1.5,2\n".utf8))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let dataset = try CSVDataset(path)
    #expect(dataset.featureColumns == ["a\u{FFFD}\u{FFFD}"])
    #expect(try dataset.sample(at: 0).features.scalars == [1.5])
    #expect(try dataset.sample(at: 0).label == 2)
}

/// The locator reads in 256 KiB blocks: a CR ending one block and its LF starting the next are
/// one line end, so the line count after them stays right.
@Test func csvCountsACRLFSplitAcrossBlocksAsOneLineEnd() throws {
    // "xx,label\r\n" is 10 bytes and each record 5, so byte 262_143 (a block's last) is a CR.
    let rows = 60_000
    var text = "xx,label\r\n" + String(repeating: "1,0\r\n", count: rows)
    text += "zz,0\r\n"
    #expect(Array(text.utf8)[(1 << 18) - 1] == 0x0D && Array(text.utf8)[1 << 18] == 0x0A)
    let path = try CSVFixturePaths.temporary(text)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let error = try #require(throws: LoaderError.self) { try CSVDataset(path) }
    #expect(error.code == .notANumber)
    #expect(error.location == .lineColumn(line: rows + 2, column: 1))
}
