import Foundation
import Loaders
import Testing
@testable import loaders

@Suite struct CSVInspectionTests {
    static func temporary(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("inspect-\(UUID().uuidString).csv").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Worked by hand: a = 1 + -3 (mean -1, sample std √8), b = 2.5 + 0.5 (mean 1.5, std √2), t is text.
    @Test func jsonForAHandMadeFile() throws {
        let path = try Self.temporary("a,b,t\n1,2.5,x\n-3,\"0.5\",y\n")
        #expect(try FileFormat.detect(path: path) == .csv(delimiter: ","))
        let json = try CSVInspection(path: path).summary().json.text
        #expect(json == #"{"format":"csv","shape":[2,3],"columns":[{"name":"a","type":"int","sum":-2,"min":-3,"max":1,"mean":-1.0,"std":\#(Double(8).squareRoot()),"exact":true},{"name":"b","type":"float","sum":3.0,"min":0.5,"max":2.5,"mean":1.5,"std":\#(Double(2).squareRoot()),"exact":false},{"name":"t","type":"text"}]}"#)
    }

    /// A column turns float at its first fraction and text at its first non-number, wherever
    /// that is in the file.
    @Test func kindsWidenOverTheWholeFile() throws {
        let rows = (0..<300_000).map { "\($0),\($0),\($0)\n" }
        var text = "i,f,t\n" + rows.joined()
        text += "1,0.5,word\n"
        let path = try Self.temporary(text)
        let summary = try CSVSummary(path: path, threads: 2)
        #expect(summary.rowCount == 300_001)
        #expect(summary.columns.map(\.kind) == [.integer, .decimal, .text])
        #expect(summary.columns[0].integerSum == Int128(299_999 * 300_000 / 2 + 1))
        #expect(summary.columns[1].sum == Double(299_999 * 300_000 / 2) + 0.5)
        #expect(summary.columns[2].sum == nil)
    }

    /// pandas.read_csv on wine.csv: dtypes, sums (to rounding: pandas adds pairwise), min and max.
    @Test func wineMatchesPandas() throws {
        let pandas: [(String, CSVColumnSummary.Kind, Double, Double, Double)] = [
            ("alcohol", .decimal, 2314.11, 11.03, 14.83), ("malic_acid", .decimal, 415.87, 0.74, 5.8),
            ("ash", .decimal, 421.24, 1.36, 3.23), ("alcalinity_of_ash", .decimal, 3470.1000000000004, 10.6, 30.0),
            ("magnesium", .integer, 17754, 70, 162), ("total_phenols", .decimal, 408.53000000000003, 0.98, 3.88),
            ("flavanoids", .decimal, 361.21000000000004, 0.34, 5.08), ("nonflavanoid_phenols", .decimal, 64.41, 0.13, 0.66),
            ("proanthocyanins", .decimal, 283.18, 0.41, 3.58), ("color_intensity", .decimal, 900.3399999999999, 1.28, 13.0),
            ("hue", .decimal, 170.426, 0.48, 1.71), ("od280/od315_of_diluted_wines", .decimal, 464.88, 1.27, 4.0),
            ("proline", .integer, 132947, 278, 1680), ("target", .integer, 167, 0, 2),
        ]
        let summary = try CSVSummary(path: InspectTests.fixture("wine.csv"))
        #expect(summary.rowCount == 178)
        try #require(summary.columns.count == pandas.count)
        for (column, (name, kind, sum, minimum, maximum)) in zip(summary.columns, pandas) {
            #expect(column.name == name)
            #expect(column.kind == kind, "\(name)")
            #expect(abs(try #require(column.sum) - sum) <= 1e-12 * sum, "\(name)")
            #expect(column.minimum == minimum && column.maximum == maximum, "\(name)")
        }
        let json = try CSVInspection(path: InspectTests.fixture("wine.csv")).summary().json.text
        #expect(json.hasPrefix(#"{"format":"csv","shape":[178,14],"columns":[{"name":"alcohol","type":"float","#))
        // pandas: df.target.mean() = 167 / 178, df.target.std() (n − 1) = 0.7750349899850563.
        #expect(json.hasSuffix(#"{"name":"target","type":"int","sum":167,"min":0,"max":2,"mean":\#(167.0 / 178),"std":0.7750349899850563,"exact":true}]}"#))
    }

    /// A record with too many fields fails at the first field too many, also when the line has
    /// no end (so `inspect` never holds more of a long line than the columns need).
    @Test(arguments: ["a,b\n1,2\n3,4,5,6\n", "a,b\n1,2\n3,4," + String(repeating: "9,", count: 100_000)])
    func extraFieldsNameLineAndColumn(text: String) throws {
        let path = try Self.temporary(text)
        let error = try #require(throws: LoaderError.self) { try CSVInspection(path: path) }
        #expect(error.code == .fieldCount)
        #expect(error.path == path)
        #expect(error.location == .lineColumn(line: 3, column: 5))
    }

    @Test func malformedFileNamesLineAndColumn() throws {
        let path = try Self.temporary("a,b\n1,2\n3,\"4\n")
        let error = try #require(throws: LoaderError.self) { try CSVInspection(path: path) }
        #expect(error.code == .unterminatedQuote)
        #expect(error.path == path)
        #expect(error.location == .lineColumn(line: 4, column: 1))
    }
}

@Suite struct CSVDelimiterOptionTests {
    @Test func delimitersFromTheCommandLine() throws {
        #expect(try SourceOptions.csvFormat(delimiter: nil, default: ",").delimiter == UInt8(ascii: ","))
        #expect(try SourceOptions.csvFormat(delimiter: ";", default: ",").delimiter == UInt8(ascii: ";"))
        #expect(try SourceOptions.csvFormat(delimiter: "tab", default: ",").delimiter == 0x09)
        #expect(try SourceOptions.csvFormat(delimiter: "\\t", default: ",").delimiter == 0x09)
        for bad in ["", ";;", "\"", "\n", "é"] {
            #expect(throws: (any Error).self, "\(bad.debugDescription)") { try SourceOptions.csvFormat(delimiter: bad, default: ",") }
        }
    }

    /// A semicolon file opened the way `bench --delimiter ";"` opens it.
    @Test func benchOpensASemicolonFile() throws {
        let path = try CSVInspectionTests.temporary("a;b;label\n1,5;2;0\n3;4;1\n")
        let options = try SourceOptions.parse(["--train", path, "--delimiter", ";"])
        let opened = try options.open(path)
        #expect(opened.format == "csv")
        #expect(opened.dataset.count == 2)
        #expect(try opened.dataset.sample(at: 1).features.scalars == [4])   // "1,5" makes column a text
    }
}
