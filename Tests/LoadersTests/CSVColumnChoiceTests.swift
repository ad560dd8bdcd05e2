import Foundation
import Testing
@testable import Loaders

@Suite struct CSVColumnChoiceTests {
    /// The two positions and the second one's place in the header, as the fixture script counted them.
    static var duplicate: (name: String, columns: [Int], line: Int, column: Int) {
        let want = InspectFixtures.expected["duplicate_label.csv"] as! [String: Any]
        return (want["name"] as! String, want["columns"] as! [Int], want["line"] as! Int, want["column"] as! Int)
    }

    static func expectAmbiguous(_ error: LoaderError, path: String) {
        let want = duplicate
        #expect(error.code == .ambiguousColumn)
        #expect(error.path == path)
        #expect(error.location == .lineColumn(line: want.line, column: want.column))
        #expect(error.message.contains("columns \(want.columns[0]) and \(want.columns[1])"), "\(error.message)")
        #expect(error.message.contains("\"\(want.name)\""), "\(error.message)")
    }

    /// Two columns named `label`: choosing the label by that name is an error naming both
    /// positions, from every reader, instead of the second `label` silently becoming a feature.
    @Test func aLabelNameTwoColumnsShareIsAnErrorNamingBoth() throws {
        let path = InspectFixtures.path("duplicate_label.csv")
        Self.expectAmbiguous(try #require(throws: LoaderError.self) { try CSVDataset(path, labelColumn: "label") }, path: path)
        Self.expectAmbiguous(try #require(throws: LoaderError.self) { try CSVStreamingDataset(path, labelColumn: "label") }, path: path)
        Self.expectAmbiguous(
            try #require(throws: LoaderError.self) { try CSVDataset(path, labelColumn: "x", featureColumns: ["label"]) }, path: path)
    }

    /// Columns not chosen by name are taken by position: with `x` as the label both `label`
    /// columns are features, in file order.
    @Test func columnsNotChosenByNameKeepTheirPositions() throws {
        let want = (InspectFixtures.expected["duplicate_label.csv"] as! [String: Any])["x_as_label"] as! [String: Any]
        let dataset = try CSVDataset(InspectFixtures.path("duplicate_label.csv"), labelColumn: "x")
        #expect(dataset.featureColumns == ["label", "label"])
        let labels = want["labels"] as! [Int]
        let features = want["features"] as! [[Double]]
        #expect(dataset.count == labels.count)
        for index in 0..<dataset.count {
            let sample = try dataset.sample(at: index)
            #expect(sample.label == labels[index])
            #expect(sample.features.scalars == features[index].map(Float.init))
        }
    }

    /// A shape whose product overflows is a mismatch, not an arithmetic trap.
    @Test(arguments: [[Int.max, 2], [1 << 32, 1 << 32, 1], [0, 2], [-1, -1]])
    func shapesThatOverflowOrAreNotPositiveAreMismatches(shape: [Int]) throws {
        let path = try CSVFixturePaths.temporary("a,b,label\n1,2,0\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        for read in [{ _ = try CSVDataset(path, shape: shape) }, { _ = try CSVStreamingDataset(path, shape: shape) }] as [() throws -> Void] {
            let error = try #require(throws: LoaderError.self) { try read() }
            #expect(error.code == .mismatch)
        }
    }
}
