import Foundation
import Testing
@testable import Loaders

/// A small file, its parse as features (row by row) and labels, all written out by hand.
struct ParseCase: CustomTestStringConvertible, Sendable {
    var name: String
    var text: String
    var format = CSVFormat.standard
    var labelColumn = "label"
    var features: [[Float]]
    var labels: [Int]
    var categories: [String]? = nil
    var featureColumns: [String]? = nil
    var expectedFeatureNames: [String]? = nil
    var testDescription: String { name }
}

let parseCases: [ParseCase] = [
    ParseCase(name: "LF", text: "a,b,label\n1,2,0\n3,4,1\n", features: [[1, 2], [3, 4]], labels: [0, 1]),
    ParseCase(name: "CRLF", text: "a,b,label\r\n1,2,0\r\n3,4,1\r\n", features: [[1, 2], [3, 4]], labels: [0, 1]),
    ParseCase(name: "lone CR", text: "a,b,label\r1,2,0\r3,4,1\r", features: [[1, 2], [3, 4]], labels: [0, 1]),
    ParseCase(name: "mixed line ends", text: "a,b,label\r\n1,2,0\r3,4,1\n5,6,2", features: [[1, 2], [3, 4], [5, 6]], labels: [0, 1, 2]),
    ParseCase(name: "no final newline", text: "a,b,label\n1,2,0\n3,4,1", features: [[1, 2], [3, 4]], labels: [0, 1]),
    ParseCase(name: "byte-order mark", text: "\u{FEFF}label,a\n7,1.5\n", features: [[1.5]], labels: [7],
              expectedFeatureNames: ["a"]),
    ParseCase(name: "blank lines skipped", text: "\na,label\n\n1,0\r\n\r\n2,1\n\n", features: [[1], [2]], labels: [0, 1]),
    ParseCase(name: "semicolons", text: "a;b;label\n1,5;2;0\n", format: CSVFormat(delimiter: ";"),
              features: [[2]], labels: [0], expectedFeatureNames: ["b"]),
    ParseCase(name: "a full stop as delimiter", text: "a.b.label\n-1.5.0\n0.25.1\n", format: CSVFormat(delimiter: "."),
              features: [[-1, 5], [0, 25]], labels: [0, 1]),
    ParseCase(name: "a minus as delimiter", text: "a-b-label\n3-1-0\n", format: CSVFormat(delimiter: "-"),
              features: [[3, 1]], labels: [0]),
    ParseCase(name: "a digit as delimiter", text: "a5b5label\n1250353\n", format: CSVFormat(delimiter: "5"),
              features: [[12, 3]], labels: [3]),
    ParseCase(name: "tabs", text: "a\tb\tlabel\n-1\t2e3\t4\n", format: CSVFormat(delimiter: "\t"),
              features: [[-1, 2000]], labels: [4]),
    ParseCase(name: "no header", text: "1,2,3\n4,5,6\n", format: CSVFormat(hasHeader: false), labelColumn: "column3",
              features: [[1, 2], [4, 5]], labels: [3, 6], expectedFeatureNames: ["column1", "column2"]),
    ParseCase(name: "spaces around numbers", text: "a,b,label\n  1 ,\t2.5\t, 3 \n", features: [[1, 2.5]], labels: [3]),
    ParseCase(name: "integers decimals scientific", text: "a,b,c,d,e,label\n-12,+0.125,.5,6.02e23,1E-3,1\n",
              features: [[-12, 0.125, 0.5, 6.02e23, 0.001]], labels: [1]),
    ParseCase(name: "quoted numbers", text: "a,b,label\n\"1.5\",\" -2 \",\"3\"\n", features: [[1.5, -2]], labels: [3]),
    ParseCase(name: "text columns are not features", text: "name,x,label\nfoo,1,0\n\"bar, baz\",2,1\n",
              features: [[1], [2]], labels: [0, 1], expectedFeatureNames: ["x"]),
    ParseCase(name: "quoted commas, line breaks and escapes", text:
                "note,x,label\n\"a, b\",1,cat\n\"two\nlines\",2,dog\n\"say \"\"hi\"\"\",3,cat\n\"\r\n\",4,\"d\"\"og\"\n",
              features: [[1], [2], [3], [4]], labels: [0, 1, 0, 2], categories: ["cat", "dog", "d\"og"]),
    ParseCase(name: "text label in first-appearance order", text: "x,label\n1,b\n2,a\n3,b\n4,c\n5,a\n",
              features: [[1], [2], [3], [4], [5]], labels: [0, 1, 0, 2, 1], categories: ["b", "a", "c"]),
    ParseCase(name: "named features in the order asked", text: "a,b,c,label\n1,2,3,0\n",
              features: [[3, 1]], labels: [0], featureColumns: ["c", "a"], expectedFeatureNames: ["c", "a"]),
    ParseCase(name: "empty text field and empty quoted field", text: "t,u,x,label\n,\"\",1,0\n",
              features: [[1]], labels: [0], expectedFeatureNames: ["x"]),
    ParseCase(name: "integral labels written as decimals", text: "x,label\n1,2.0\n2,1e1\n", features: [[1], [2]], labels: [2, 10]),
    ParseCase(name: "quoted header names", text: "\"a,1\",\"b\"\"2\",label\n1,2,0\n",
              features: [[1, 2]], labels: [0], expectedFeatureNames: ["a,1", "b\"2"]),
]

@Test(arguments: parseCases)
func csvParsesEdgeCase(_ testCase: ParseCase) throws {
    let path = try CSVFixturePaths.temporary(testCase.text)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let dataset = try CSVDataset(
        path, labelColumn: testCase.labelColumn, featureColumns: testCase.featureColumns, format: testCase.format)
    try #require(dataset.count == testCase.features.count)
    for (index, expected) in testCase.features.enumerated() {
        let sample = try dataset.sample(at: index)
        let same = zip(sample.features.scalars, expected).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
        #expect(same && sample.features.count == expected.count, "row \(index): \(sample.features.scalars) != \(expected)")
        #expect(sample.label == testCase.labels[index], "label of row \(index)")
    }
    #expect(dataset.labelCategories == testCase.categories)
    if let names = testCase.expectedFeatureNames { #expect(dataset.featureColumns == names) }
}

@Test func csvReshapesFeatures() throws {
    let path = try CSVFixturePaths.temporary("label,p1,p2,p3,p4,p5,p6\n3,1,2,3,4,5,6\n")
    let dataset = try CSVDataset(path, shape: [1, 2, 3])
    let sample = try dataset.sample(at: 0)
    #expect(sample.features.shape == [1, 2, 3])
    #expect(sample.features.scalars == [1, 2, 3, 4, 5, 6])
    #expect(sample.label == 3)
    #expect(throws: LoaderError.self) { try CSVDataset(path, shape: [2, 2]) }
}

/// Records and quoted fields that cross the 256 KiB block boundaries, and a quoted field longer
/// than a block, which makes the buffer grow.
@Test func csvReadsRecordsSpanningBlocks() throws {
    var text = "x,note,y,label\n"
    var expected: [[Float]] = []
    for row in 0..<30_000 {
        let note = row % 7 == 0 ? "\"multi\nline, \"\"quoted\"\"\"" : "plain"
        text += "\(row).25,\(note),-\(row)e-2,\(row % 10)\n"
        expected.append([Float(Double(row) + 0.25), -Float(row) / 100])
    }
    let long = String(repeating: "z", count: 600_000)
    text += "1,\"\(long)\",2,3\n"
    expected.append([1, 2])
    let path = try CSVFixturePaths.temporary(text)
    defer { try? FileManager.default.removeItem(atPath: path) }
    for (threads, pieceBytes) in [(1, 1 << 20), (2, 100_000), (3, 7_777)] {
        let dataset = try CSVDataset(
            path, labelColumn: "label", featureColumns: nil, shape: nil, format: .standard, threads: threads,
            minimumPieceBytes: pieceBytes)
        try #require(dataset.count == expected.count)
        for index in [0, 1, 6999, 7000, 12_345, 29_999, 30_000] {
            let sample = try dataset.sample(at: index)
            #expect(sample.features.scalars == expected[index], "row \(index) with \(threads) threads")
            #expect(sample.label == (index == 30_000 ? 3 : index % 10))
        }
    }
}

/// Pixel-like rows are kept as bytes; a later row with a value outside 0...255 (or a fraction,
/// or -0) sends its piece back to Float, and every value still reads back exactly.
@Test(arguments: ["256", "0.5", "-0", "1e2", " 7"])
func csvKeepsExactValuesWhenARowLeavesTheByteRange(odd: String) throws {
    var rows = (0..<5_000).map { "\($0 % 10),\($0 % 256),\(255 - $0 % 256)\n" }
    rows[3_000] = "3,\(odd),1\n"
    let path = try CSVFixturePaths.temporary("label,a,b\n" + rows.joined())
    defer { try? FileManager.default.removeItem(atPath: path) }
    let expected = try #require(Float(odd.trimmingCharacters(in: .whitespaces)))
    for pieceBytes in [1 << 20, 4_000] {
        let dataset = try CSVDataset(
            path, labelColumn: "label", featureColumns: nil, shape: nil, format: .standard, threads: 2,
            minimumPieceBytes: pieceBytes)
        let odd = try dataset.sample(at: 3_000).features.scalars
        #expect(odd.map(\.bitPattern) == [expected.bitPattern, Float(1).bitPattern])
        #expect(try dataset.sample(at: 4_999).features.scalars == [Float(4_999 % 256), Float(255 - 4_999 % 256)])
        #expect(try dataset.sample(at: 2_999).label == 9)
    }
}
