import Foundation
import Testing
@testable import Loaders

/// What `Fixtures/csv/make_inspect_files.py` worked out with Python's exact integers and floats.
enum InspectFixtures {
    static func path(_ name: String) -> String { CSVFixturePaths.csv("inspect/" + name) }

    static var expected: [String: Any] {
        let data = try! Data(contentsOf: URL(fileURLWithPath: path("inspect.expected.json")))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// The expected columns of one CSV file: name, type and the statistics as Python wrote them.
    static func columns(of file: String) -> [[String: Any]] {
        (expected[file] as! [String: Any])["columns"] as! [[String: Any]]
    }

    /// A Double from Python's `repr` or `inf`, `-inf`, `nan`.
    static func double(_ text: String) -> Double {
        switch text {
        case "inf": .infinity
        case "-inf": -.infinity
        case "nan": .nan
        default: Double(text)!
        }
    }
}

@Suite struct CSVExactStatisticsTests {
    /// Integers past 2^53 (the pair summing to 1, quoted values near 2^53, Int64's
    /// extremes, random Int64s whose sum leaves Int64) are summarised exactly, however many
    /// pieces the file is cut into; a column leaving Int64's range by one is float, with the
    /// Double sum Python's float additions give.
    @Test(arguments: [1 << 20, 64, 1])
    func integerColumnsSummariseExactlyAsPythonIntegersDo(minimumPieceBytes: Int) throws {
        let summary = try CSVSummary(
            path: InspectFixtures.path("int64_columns.csv"), format: .standard, threads: 3, minimumPieceBytes: minimumPieceBytes)
        let expected = InspectFixtures.columns(of: "int64_columns.csv")
        #expect(summary.rowCount == (InspectFixtures.expected["int64_columns.csv"] as! [String: Any])["rows"] as! Int)
        try #require(summary.columns.count == expected.count)
        for (column, want) in zip(summary.columns, expected) {
            let name = want["name"] as! String
            #expect(column.name == name)
            #expect(column.kind.rawValue == want["type"] as! String, "\(name)")
            if column.kind == .integer {
                #expect(column.integerSum == Int128(want["sum"] as! String), "\(name)")
                #expect(column.integerMinimum == Int64(want["min"] as! String), "\(name)")
                #expect(column.integerMaximum == Int64(want["max"] as! String), "\(name)")
            } else {
                #expect(column.integerSum == nil, "\(name)")
                #expect(column.sum?.bitPattern == InspectFixtures.double(want["sum"] as! String).bitPattern, "\(name)")
                #expect(column.minimum == InspectFixtures.double(want["min"] as! String), "\(name)")
                #expect(column.maximum == InspectFixtures.double(want["max"] as! String), "\(name)")
            }
        }
    }

    /// Sums keep NaN and infinities as Python adds them; minimum and maximum leave NaN out, and a
    /// column of NaN alone has neither (not the +inf and -inf they start from).
    @Test func nonFiniteValuesAndNaNOnlyColumns() throws {
        let summary = try CSVSummary(path: InspectFixtures.path("nonfinite.csv"))
        let expected = InspectFixtures.columns(of: "nonfinite.csv")
        try #require(summary.columns.count == expected.count)
        for (column, want) in zip(summary.columns, expected) {
            let sum = try #require(column.sum)
            let wantedSum = InspectFixtures.double(want["sum"] as! String)
            #expect(sum == wantedSum || (sum.isNaN && wantedSum.isNaN), "\(column.name)")
            #expect(column.minimum == (want["min"] as? String).map(InspectFixtures.double), "\(column.name)")
            #expect(column.maximum == (want["max"] as? String).map(InspectFixtures.double), "\(column.name)")
        }
    }

    /// Whether text is exactly an integer in Int64, decided on the digits; the Doubles of the
    /// nil cases are all whole numbers, so a check through Double would accept them.
    @Test(arguments: [
        ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min), ("+0009007199254740993", 9_007_199_254_740_993),
        ("2.0", 2), ("1e1", 10), ("-0.000", 0), ("1234567890123456789", 1_234_567_890_123_456_789),
        ("12300000000000000000e-2", 123_000_000_000_000_000),
        ("9223372036854775808", nil), ("-9223372036854775809", nil), ("1.00000000000000001", nil),
        ("92233720368547758070e-1", Int64.max), ("92233720368547758080e-1", nil), ("1e19", nil), ("inf", nil), ("nan", nil),
    ] as [(String, Int64?)])
    func exactIntegersAreDecidedOnTheDigits(text: String, value: Int64?) throws {
        let bytes = Array(text.utf8)
        let scanned = try bytes.withUnsafeBytes { try #require(DecimalText.scan($0)) }
        #expect(scanned.exactInteger == value)
    }

    /// An integer label is read exactly: `1.00000000000000001` is no integer, though its nearest
    /// Double is 1; `2.0` and `3e0` are.
    @Test func integerLabelsAreExact() throws {
        let good = try CSVFixturePaths.temporary("x,label\n0.5,2.0\n1.5,3e0\n")
        #expect(try CSVDataset(good).sample(at: 0).label == 2)
        #expect(try CSVDataset(good).sample(at: 1).label == 3)
        let bad = try CSVFixturePaths.temporary("x,label\n0.5,2\n1.5,1.00000000000000001\n")
        let error = try #require(throws: LoaderError.self) { try CSVDataset(bad) }
        #expect(error.code == .notANumber)
        #expect(error.location == .lineColumn(line: 3, column: 5))
    }
}
