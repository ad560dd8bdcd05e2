import ChildProcessSupport
import Foundation
import Testing
@testable import loaders

/// `loaders inspect` on the files `Fixtures/csv/make_inspect_files.py` wrote, against what the
/// script worked out with Python's integers, floats and numpy.
@Suite struct InspectExactStatisticsTests {
    static func fixture(_ name: String) -> String { InspectTests.fixture("csv/inspect/" + name) }

    static var expected: [String: Any] {
        let data = try! Data(contentsOf: URL(fileURLWithPath: fixture("inspect.expected.json")))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// How `inspect --json` prints a statistic the script wrote as text: exact integers as they
    /// are; Doubles as Swift's shortest text; infinities and NaN as strings; none as null.
    static func json(_ value: Any?, integer: Bool) -> String {
        guard let text = value as? String else { return "null" }
        if integer { return text }
        switch text {
        case "inf", "-inf", "nan": return "\"\(text)\""
        default: return Double(text)!.description
        }
    }

    /// Every column of the CSV files, through the tool as a user runs it: integer columns exact
    /// (`"exact":true`, the issue's sum of 1 and maximum 1234567890123456789), float columns
    /// marked inexact, infinities as strings, a NaN-only column's minimum and maximum null. Means
    /// and standard deviations agree with the script's exact ones to 1e-12 of the column's scale
    /// (|mean| + std), and infinities and NaN exactly.
    @Test(arguments: ["int64_columns.csv", "nonfinite.csv"])
    func csvColumnsPrintWhatPythonComputed(file: String) async throws {
        let want = Self.expected[file] as! [String: Any]
        let wanted = want["columns"] as! [[String: Any]]
        let columns = wanted.map { column in
            let integer = column["type"] as! String == "int"
            return #"{"name":"\#(column["name"] as! String)","type":"\#(column["type"] as! String)","#
                + #""sum":\#(Self.json(column["sum"], integer: integer)),"min":\#(Self.json(column["min"], integer: integer)),"#
                + #""max":\#(Self.json(column["max"], integer: integer)),"exact":\#(integer)}"#
        }
        let line = #"{"format":"csv","shape":[\#(want["rows"] as! Int),\#(columns.count)],"columns":[\#(columns.joined(separator: ","))]}"#
        let outcome = try await Self.inspect([Self.fixture(file), "--json"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let moments = #""mean":("[^"]*"|[^,]*),"std":("[^"]*"|[^,]*),"#
        #expect(outcome.standardOutput.replacingOccurrences(of: moments, with: "", options: .regularExpression) == line + "\n")

        let printed = try #require(JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        for (column, expected) in zip(try #require(printed["columns"] as? [[String: Any]]), wanted) {
            let (mean, std) = (expected["mean"] as? String, expected["std"] as? String)
            let scale = abs(Double(mean ?? "0") ?? 0) + (Double(std ?? "0") ?? 0)
            for (key, want) in [("mean", mean), ("std", std)] {
                switch (column[key], want) {
                case (is NSNull, nil): break
                case (let text as String, let want?): #expect(text == want, "\(key) of \(expected["name"]!)")
                case (let value as NSNumber, let want?) where Double(want)?.isFinite == true:
                    #expect(abs(value.doubleValue - Double(want)!) <= 1e-12 * scale, "\(key) of \(expected["name"]!): \(value) vs \(want)")
                default: Issue.record("\(key) of \(expected["name"]!): \(column[key] ?? "none") vs \(want ?? "none")")
                }
            }
        }
    }

    /// The readable table: exact integers in full, `≈` before a float column's sum (to 10
    /// significant digits).
    @Test func readableIntegersAreExactAndFloatSumsMarked() throws {
        let readable = try CSVInspection(path: Self.fixture("int64_columns.csv")).summary().readable
        let columns = (Self.expected["int64_columns.csv"] as! [String: Any])["columns"] as! [[String: Any]]
        for column in columns {
            let line = try #require(readable.split(separator: "\n").first { $0.hasPrefix("  \(column["name"] as! String) ") })
            let cells = line.split(separator: " ").map(String.init)
            if column["type"] as! String == "int" {
                #expect(cells[2] == column["sum"] as! String && cells.suffix(2) == [column["min"] as! String, column["max"] as! String], "\(line)")
            } else {
                #expect(cells[2] == "≈" + String(format: "%.10g", Double(column["sum"] as! String)!), "\(line)")
            }
        }
        #expect(readable.split(separator: "\n")[1].split(separator: " ") == ["column", "type", "sum", "mean", "std", "min", "max"])
    }

    /// IDX float data with infinities: numpy's nansum, nanmin and nanmax, `inf` shown as such
    /// (not as the `null` of an empty array), in both forms.
    @Test(arguments: ["float32_inf.idx", "float64_both_infinities.idx"])
    func idxInfinitiesAreShownAsInfinities(file: String) throws {
        let want = Self.expected[file] as! [String: Any]
        let summary = try IDXInspection(path: Self.fixture(file)).summary()
        let shape = (want["shape"] as! [Int]).map(String.init)
        let statistic = { (key: String) in Self.json(want[key], integer: false) }
        #expect(summary.json.text == #"{"format":"idx","dtype":"\#(want["dtype"] as! String)","shape":[\#(shape.joined(separator: ","))],"#
            + #""sum":\#(statistic("sum")),"min":\#(statistic("min")),"max":\#(statistic("max")),"nan":\#(want["nan"] as! Int)}"#)
        let plain = { (key: String) in statistic(key).replacingOccurrences(of: "\"", with: "") }
        #expect(summary.readable.hasSuffix("  sum \(plain("sum"))  min \(plain("min"))  max \(plain("max"))  nan \(want["nan"] as! Int)"))
    }

    @Test func jsonPrintsInfinitiesAndNaNAsStringsAndKeepsNullForNoValue() {
        let value = JSON.array([.double(.infinity), .double(-.infinity), .double(.nan), .float(-.infinity), .null, .double(1.5)])
        #expect(value.text == #"["inf","-inf","nan","-inf",null,1.5]"#)
        #expect(JSON.double(-.infinity).readableText == "-inf")
        #expect(JSON.float(.nan).readableText == "nan")
    }

    /// A `.csv.gz`, and gzip bytes named `.csv`, are read as the CSV text they hold (where a
    /// `.csv.gz` used to reach the IDX reader: "magic number byte 0 is 0x6c").
    @Test func gzipCompressedCSVIsInspected() async throws {
        let want = Self.expected["gzipped"] as! [String: Any]
        let labels = want["labels"] as! [Int]
        let x = (want["features"] as! [[Double]]).map { $0[0] }
        let line = #"{"format":"csv","shape":[\#(labels.count),2],"columns":["#
            + #"{"name":"label","type":"int","sum":\#(labels.reduce(0, +)),"min":\#(labels.min()!),"max":\#(labels.max()!),"#
            + #""mean":\#(Self.mean(labels.map(Double.init))),"std":\#(Self.std(labels.map(Double.init))),"exact":true},"#
            + #"{"name":"x","type":"float","sum":\#(x.reduce(0, +)),"min":\#(x.min()!),"max":\#(x.max()!),"#
            + #""mean":\#(Self.mean(x)),"std":\#(Self.std(x)),"exact":false}]}"#
        for file in want["files"] as! [String] {
            #expect(try FileFormat.detect(path: Self.fixture(file)) == .csv(delimiter: ","))
            let outcome = try await Self.inspect([Self.fixture(file), "--json"])
            #expect(outcome.status == 0, "\(outcome.standardError)")
            #expect(outcome.standardOutput == line + "\n")
        }
    }

    static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

    /// The sample standard deviation (n − 1), by the two-pass formula.
    static func std(_ values: [Double]) -> Double {
        (values.reduce(0) { $0 + ($1 - mean(values)) * ($1 - mean(values)) } / Double(values.count - 1)).squareRoot()
    }

    /// Other compressed CSV (`.csv.bz2`, `.csv.xz`, `.csv.zip`) reaches the CSV reader, which says
    /// what the file is and how to get the text, in one line.
    @Test(arguments: (InspectExactStatisticsTests.expected["compressed"] as! [String: String]).keys.sorted())
    func compressedCSVIsNamedInOneLine(file: String) async throws {
        let format = (Self.expected["compressed"] as! [String: String])[file]!
        #expect(try FileFormat.detect(path: Self.fixture(file)) == .csv(delimiter: ","))
        let outcome = try await Self.inspect([Self.fixture(file)])
        #expect(outcome.status == 1)
        let what = format == "zip" ? "a zip archive" : "\(format)-compressed"
        #expect(outcome.standardError.hasPrefix("loaders inspect: \(Self.fixture(file)): byte 0: the file is \(what) "), "\(outcome.standardError)")
        #expect(outcome.standardError.split(separator: "\n").count == 1)
    }

    /// Two columns named `label`: `bench` stops with one line naming both positions instead of
    /// training on the second `label` as a feature.
    @Test func duplicateLabelColumnsStopTheToolNamingBoth() async throws {
        let path = Self.fixture("duplicate_label.csv")
        let want = Self.expected["duplicate_label.csv"] as! [String: Any]
        let positions = want["columns"] as! [Int]
        let outcome = try await ChildProcess.run(
            LoadersTool.executable, ["bench", "--train", path, "--epochs", "1"], environment: LoadersTool.environment,
            deadline: .seconds(120))
        #expect(outcome.status == 1)
        #expect(outcome.standardError == "loaders bench: \(path): line \(want["line"] as! Int), column \(want["column"] as! Int): "
            + "columns \(positions[0]) and \(positions[1]) of the header are both named \"label\"; rename one of them\n")
    }

    static func inspect(_ arguments: [String]) async throws -> ChildProcess.Outcome {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let outcome = try await ChildProcess.run(
            LoadersTool.executable, ["inspect"] + arguments, environment: LoadersTool.environment, deadline: .seconds(120))
        #expect(!outcome.timedOut)
        return outcome
    }
}
