import Foundation
import Testing
@testable import Loaders

/// A file of bytes a CSV reader does not expect (invalid or overlong UTF-8, NUL bytes, stray
/// byte-order marks, UTF-16) and what reading it must give: an error at a line and column, or
/// the read Docs/Formats.md describes. Expected columns count characters as Python's
/// `bytes.decode("utf-8", "replace")` does: one per invalid sequence.
struct EncodingCase: CustomTestStringConvertible, Sendable {
    enum Outcome: Sendable {
        case error(LoaderError.Code, line: Int? = nil, column: Int? = nil, mentions: [String] = [])
        case read(featureNames: [String], features: [[Float]], labels: [Int], categories: [String]? = nil)
    }

    var name: String
    var bytes: [UInt8]
    var format = CSVFormat.standard
    var outcome: Outcome
    var testDescription: String { name }
}

private func utf8(_ text: String) -> [UInt8] { Array(text.utf8) }

private func utf16(_ text: String, bigEndian: Bool) -> [UInt8] {
    text.utf16.flatMap { unit in bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
}

let encodingCases: [EncodingCase] = [
    // Names and text keep their bytes.
    EncodingCase(name: "NUL in a header name", bytes: utf8("a\u{0}b,label\n1,2\n"),
                 outcome: .read(featureNames: ["a\u{0}b"], features: [[1]], labels: [2])),
    EncodingCase(name: "half a byte-order mark starts the first name", bytes: [0xEF, 0xBB] + utf8("x,label\n1,0\n"),
                 outcome: .read(featureNames: ["\u{FFFD}x"], features: [[1]], labels: [0])),
    EncodingCase(name: "a second byte-order mark is part of the first name", bytes: utf8("\u{FEFF}\u{FEFF}x,label\n1,0\n"),
                 outcome: .read(featureNames: ["\u{FEFF}x"], features: [[1]], labels: [0])),
    EncodingCase(name: "text labels are told apart by their bytes",
                 bytes: utf8("x,label\n1,a") + [0xFF] + utf8("\n2,a") + [0xFE] + utf8("\n3,a") + [0xFF] + utf8("\n4,a\n5,a\u{0}\n"),
                 outcome: .read(featureNames: ["x"], features: [[1], [2], [3], [4], [5]], labels: [0, 1, 0, 2, 3],
                                categories: ["a\u{FFFD}", "a\u{FFFD}", "a", "a\u{0}"])),
    EncodingCase(name: "an overlong A is not an A", bytes: utf8("x,label\n1,A\n2,") + [0xC1, 0x81] + utf8("\n"),
                 outcome: .read(featureNames: ["x"], features: [[1], [2]], labels: [0, 1], categories: ["A", "\u{FFFD}\u{FFFD}"])),
    EncodingCase(name: "invalid bytes, NUL and a line break inside a quoted text field",
                 bytes: utf8("t,x,label\n\"") + [0xFF, 0x00] + utf8(",\n\",1,0\nu,2,1\n"),
                 outcome: .read(featureNames: ["x"], features: [[1], [2]], labels: [0, 1])),
    EncodingCase(name: "an overlong quote is not a quote", bytes: utf8("t,x,label\na,1,0\n") + [0xC0, 0xA2] + utf8("b,2,1\n"),
                 outcome: .read(featureNames: ["x"], features: [[1], [2]], labels: [0, 1])),
    EncodingCase(name: "NUL as the delimiter, when the format says so", bytes: utf8("a\u{0}label\n1.5\u{0}2\n"),
                 format: CSVFormat(delimiter: "\u{0}"), outcome: .read(featureNames: ["a"], features: [[1.5]], labels: [2])),

    // Numbers are ASCII: anything else in a numeric field is not a number.
    EncodingCase(name: "an invalid byte in a numeric field", bytes: utf8("x,label\n1,0\n1") + [0xFF] + utf8(",0\n"),
                 outcome: .error(.notANumber, line: 3, column: 1, mentions: ["\"1\u{FFFD}\"", "\"x\""])),
    EncodingCase(name: "NUL before a number", bytes: utf8("x,label\n1,0\n\u{0}5,0\n"),
                 outcome: .error(.notANumber, line: 3, column: 1, mentions: [#""\05""#])),
    EncodingCase(name: "NUL after a number", bytes: utf8("x,label\n1,0\n5\u{0},0\n"),
                 outcome: .error(.notANumber, line: 3, column: 1, mentions: [#""5\0""#])),
    EncodingCase(name: "an overlong digit", bytes: utf8("x,label\n1,0\n") + [0xC0, 0xB1] + utf8(",0\n"),
                 outcome: .error(.notANumber, line: 3, column: 1)),
    EncodingCase(name: "NUL inside a quoted number", bytes: utf8("x,label\n1,0\n\"1\u{0}\",0\n"),
                 outcome: .error(.notANumber, line: 3, column: 2)),
    EncodingCase(name: "a line break inside a quoted number stays out of the one-line message",
                 bytes: utf8("x,label\n1,0\n\"1\n2\",0\n"),
                 outcome: .error(.notANumber, line: 3, column: 2, mentions: [#""1\n2""#])),
    EncodingCase(name: "a byte-order mark inside the data is shown, not hidden", bytes: utf8("x,label\n1,0\n\u{FEFF}2,0\n"),
                 outcome: .error(.notANumber, line: 3, column: 1, mentions: [#""\u{FEFF}2""#])),
    EncodingCase(name: "a right-to-left override cannot reorder the message", bytes: utf8("x,label\n1,0\n1\u{202E}2,0\n"),
                 outcome: .error(.notANumber, line: 3, column: 1, mentions: [#""1\u{202E}2""#])),

    // Only the ASCII delimiter, quote and line ends structure a record.
    EncodingCase(name: "NUL where the delimiter belongs", bytes: utf8("x,y,label\n1,2,0\n3\u{0}4,0\n"),
                 outcome: .error(.notANumber, line: 3, column: 1)),
    EncodingCase(name: "an invalid byte where the delimiter belongs", bytes: utf8("x,y,label\n1,2,0\n3") + [0xFF] + utf8("4,0\n"),
                 outcome: .error(.notANumber, line: 3, column: 1)),
    // b"b\xc0\xac1,0" decodes to 6 characters: the line end is column 7.
    EncodingCase(name: "an overlong comma is not a delimiter", bytes: utf8("t,x,label\na,1,0\nb") + [0xC0, 0xAC] + utf8("1,0\n"),
                 outcome: .error(.fieldCount, line: 3, column: 7, mentions: ["2 fields"])),
    EncodingCase(name: "an overlong line feed is not a line break", bytes: utf8("x,label\n1,0\n2") + [0xC0, 0x8A] + utf8("3,1\n"),
                 outcome: .error(.notANumber, line: 3, column: 1)),

    // Columns after invalid sequences count them as Python's decoder does.
    EncodingCase(name: "lone continuation bytes are one character each", bytes: utf8("t,x,label\na,1,0\n") + [0x80, 0x80] + utf8(",zz,0\n"),
                 outcome: .error(.notANumber, line: 3, column: 4, mentions: ["\"zz\""])),
    EncodingCase(name: "an overlong three-byte sequence is three characters",
                 bytes: utf8("t,x,label\na,1,0\n") + [0xE0, 0x80, 0xAF] + utf8(",zz,0\n"),
                 outcome: .error(.notANumber, line: 3, column: 5)),
    EncodingCase(name: "an encoded surrogate is three characters",
                 bytes: utf8("t,x,label\na,1,0\n") + [0xED, 0xA0, 0x80] + utf8(",zz,0\n"),
                 outcome: .error(.notANumber, line: 3, column: 5)),
    EncodingCase(name: "a truncated sequence is one character", bytes: utf8("t,x,label\na,1,0\n") + [0xE2, 0x82] + utf8(",zz,0\n"),
                 outcome: .error(.notANumber, line: 3, column: 3)),
    EncodingCase(name: "a four-byte character is one character", bytes: utf8("t,x,label\na,1,0\n\u{1F600},zz,0\n"),
                 outcome: .error(.notANumber, line: 3, column: 3)),

    // Files that are not UTF-8 text at all.
    EncodingCase(name: "a lone byte-order mark", bytes: [0xEF, 0xBB, 0xBF], outcome: .error(.emptyFile, mentions: ["no header row"])),
    EncodingCase(name: "a byte-order mark and a header", bytes: utf8("\u{FEFF}x,label\n"),
                 outcome: .error(.emptyFile, mentions: ["no data records"])),
    EncodingCase(name: "UTF-16 little-endian with its byte-order mark", bytes: utf16("\u{FEFF}x,label\n1,0\n", bigEndian: false),
                 outcome: .error(.unsupported, line: 1, column: 1, mentions: ["UTF-16", "ff fe"])),
    EncodingCase(name: "UTF-16 big-endian with its byte-order mark", bytes: utf16("\u{FEFF}x,label\n1,0\n", bigEndian: true),
                 outcome: .error(.unsupported, line: 1, column: 1, mentions: ["UTF-16", "fe ff"])),
    // ASCII text in UTF-32: each byte with three zeros.
    EncodingCase(name: "UTF-32 little-endian with its byte-order mark",
                 bytes: [0xFF, 0xFE, 0, 0] + utf8("x,label\n1,0\n").flatMap { [$0, 0, 0, 0] },
                 outcome: .error(.unsupported, line: 1, column: 1, mentions: ["UTF-32", "ff fe 00 00"])),
    EncodingCase(name: "UTF-32 big-endian with its byte-order mark",
                 bytes: [0, 0, 0xFE, 0xFF] + utf8("x,label\n1,0\n").flatMap { [0, 0, 0, $0] },
                 outcome: .error(.unsupported, line: 1, column: 1, mentions: ["UTF-32", "00 00 fe ff"])),
    EncodingCase(name: "a header name with a line break stays out of the one-line message", bytes: utf8("\"a\nb\",c\n1,2\n"),
                 outcome: .error(.noSuchColumn, mentions: [#""a\nb""#])),
]

/// Random access and streaming read each case alike.
@Test(arguments: encodingCases)
func csvReadsHostileEncodings(_ testCase: EncodingCase) throws {
    let path = try CSVFixturePaths.temporary(testCase.bytes)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let readers: [(String, () throws -> CSVDatasetReadout)] = [
        ("random access", {
            let dataset = try CSVDataset(path, format: testCase.format)
            return CSVDatasetReadout(
                featureNames: dataset.featureColumns, examples: try dataset.samples(at: Array(0..<dataset.count)),
                categories: dataset.labelCategories)
        }),
        ("streaming", {
            let dataset = try CSVStreamingDataset(path, format: testCase.format)
            var examples: [Example] = []
            for shard in 0..<dataset.shardCount {
                var stream = try dataset.stream(shard: shard)
                while let example = try stream.next() { examples.append(example) }
            }
            return CSVDatasetReadout(featureNames: dataset.featureColumns, examples: examples, categories: dataset.labelCategories)
        }),
    ]
    for (reader, read) in readers {
        switch testCase.outcome {
        case .read(let featureNames, let features, let labels, let categories):
            let readout = try read()
            #expect(readout.featureNames == featureNames, "\(reader)")
            #expect(readout.examples.map(\.features.scalars) == features, "\(reader)")
            #expect(readout.examples.map(\.label) == labels, "\(reader)")
            #expect(readout.categories == categories, "\(reader)")
        case .error(let code, let line, let column, let mentions):
            let error = try #require(throws: LoaderError.self, "\(reader)") { _ = try read() }
            #expect(error.code == code, "\(reader): \(error)")
            #expect(error.path == path)
            if let line, let column {
                #expect(error.location == .lineColumn(line: line, column: column), "\(reader): \(error)")
            }
            for words in mentions {
                #expect(error.description.contains(words), "\(reader): \(error.description) should mention \(words)")
            }
            // One line, as `loaders` prints it, with none of the file's invisible characters.
            let invisible: Set<Unicode.GeneralCategory> = [.control, .format, .lineSeparator, .paragraphSeparator]
            #expect(!error.description.unicodeScalars.contains { invisible.contains($0.properties.generalCategory) }, "\(reader): \(error)")
        }
    }
}

/// What a CSV reader gave, for comparing the two readers with the expected read.
struct CSVDatasetReadout {
    var featureNames: [String]
    var examples: [Example]
    var categories: [String]?
}

/// `CSVSummary`, behind `loaders inspect`, refuses UTF-16 as the datasets do, and otherwise
/// counts a NUL or an invalid byte as text.
@Test func csvSummaryRefusesUTF16AndCountsOddBytesAsText() throws {
    let utf16Path = try CSVFixturePaths.temporary(utf16("\u{FEFF}x,label\n1,0\n", bigEndian: false))
    defer { try? FileManager.default.removeItem(atPath: utf16Path) }
    let error = try #require(throws: LoaderError.self) { try CSVSummary(path: utf16Path) }
    #expect(error.code == .unsupported && error.location == .lineColumn(line: 1, column: 1), "\(error)")

    let textPath = try CSVFixturePaths.temporary(utf8("n,t,u\n1,a,b\n2,\u{0},") + [0xFF] + utf8("\n"))
    defer { try? FileManager.default.removeItem(atPath: textPath) }
    let summary = try CSVSummary(path: textPath)
    #expect(summary.rowCount == 2)
    #expect(summary.columns.map(\.kind) == [.integer, .text, .text])
    #expect(summary.columns[0].integerSum == 3)
}
