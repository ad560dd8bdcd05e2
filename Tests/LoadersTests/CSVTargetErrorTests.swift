import Foundation
import Testing
@testable import Loaders

/// A file, the targets asked of it, and the error both CSV readers must raise.
struct TargetErrorCase: CustomTestStringConvertible, Sendable {
    var name: String
    var text: String
    var columns: [CSVColumn]
    var targets: TargetKind
    var features: [CSVColumn]? = nil
    var code: LoaderError.Code
    var line: Int? = nil
    var column: Int? = nil
    var mentions: [String] = []
    var testDescription: String { name }
}

let targetErrorCases: [TargetErrorCase] = [
    TargetErrorCase(
        name: "a fraction as a label", text: "x,y\n1,0\n2,2.5\n", columns: ["y"], targets: .labels, code: .notANumber,
        line: 3, column: 3, mentions: ["not an integer label", "\"y\"", "\"2.5\"", "TargetKind.values", "--task regression"]),
    TargetErrorCase(
        name: "a fraction as the first label", text: "y,x\n0.25,1\n", columns: [0], targets: .labels, code: .notANumber,
        line: 2, column: 1, mentions: ["\"y\"", "\"0.25\"", "TargetKind.values"]),
    TargetErrorCase(
        name: "a label past Int32", text: "x,y\n1,0\n2,2147483648\n", columns: ["y"], targets: .labels, code: .notANumber,
        line: 3, column: 3, mentions: ["beyond Int32's range", "\"2147483648\"", "TargetKind.values"]),
    TargetErrorCase(
        name: "a label below Int32", text: "x,y\n1,-2147483649\n", columns: ["y"], targets: .labels, code: .notANumber,
        line: 2, column: 3, mentions: ["beyond Int32's range", "\"-2147483649\""]),
    TargetErrorCase(
        name: "a label in scientific notation past Int32", text: "x,y\n1,3e12\n", columns: ["y"], targets: .labels,
        code: .notANumber, line: 2, column: 3, mentions: ["beyond Int32's range", "\"3e12\""]),
    TargetErrorCase(
        name: "text in an integer label column", text: "x,y\n1,0\n2,cat\n", columns: ["y"], targets: .labels,
        code: .notANumber, line: 3, column: 3, mentions: ["not an integer label", "\"cat\""]),
    TargetErrorCase(
        name: "text as a target value", text: "x,y\n1,0.5\n2,abc\n", columns: ["y"], targets: .values, code: .notANumber,
        line: 3, column: 3, mentions: ["not a number", "\"y\"", "\"abc\""]),
    TargetErrorCase(
        name: "text as the first target value", text: "x,y\n1,abc\n", columns: [1], targets: .values, code: .notANumber,
        line: 2, column: 3, mentions: ["\"y\"", "\"abc\""]),
    TargetErrorCase(
        name: "an empty target value", text: "x,y,z\n1,2,3\n4,,6\n", columns: ["y"], targets: .values, code: .notANumber,
        line: 3, column: 3, mentions: ["\"y\""]),
    TargetErrorCase(
        name: "an empty target value ending the record", text: "x,y\n1,2\n3,\n", columns: ["y"], targets: .values,
        code: .notANumber, line: 3, column: 3, mentions: ["\"y\""]),
    TargetErrorCase(
        name: "a short record ending after an empty target value", text: "x,y,z\n1,2,3\n4,\n", columns: ["y"],
        targets: .values, code: .fieldCount, line: 3, column: 3, mentions: ["2 fields"]),
    TargetErrorCase(
        name: "a second target value that is no number", text: "u,x,v\n1,2,3\n4,5,6\n7,8,x9\n", columns: ["u", "v"],
        targets: .values, code: .notANumber, line: 4, column: 5, mentions: ["\"v\"", "\"x9\""]),
    TargetErrorCase(
        name: "several columns as class labels", text: "x,y,z\n1,2,3\n", columns: ["y", "z"], targets: .labels,
        code: .unsupported, mentions: ["2 target columns", "\"y\", \"z\"", "TargetKind.values", "--task regression"]),
    TargetErrorCase(
        name: "an index past the columns", text: "x,y\n1,2\n", columns: [2], targets: .values, code: .noSuchColumn,
        mentions: ["no column at index 2", "2 columns, indices 0 to 1"]),
    TargetErrorCase(
        name: "a negative index", text: "x,y\n1,2\n", columns: [-1], targets: .values, code: .noSuchColumn,
        mentions: ["no column at index -1"]),
    TargetErrorCase(
        name: "an unknown name", text: "x,y\n1,2\n", columns: ["z"], targets: .values, code: .noSuchColumn,
        mentions: ["no column named \"z\"", "\"x\", \"y\""]),
    TargetErrorCase(
        name: "a feature index past the columns", text: "x,y\n1,2\n", columns: ["y"], targets: .values, features: [7],
        code: .noSuchColumn, mentions: ["no column at index 7"]),
    TargetErrorCase(
        name: "a column chosen twice by name and index", text: "x,y\n1,2\n", columns: ["y", 1], targets: .values,
        code: .noSuchColumn, mentions: ["\"y\" (index 1) is named twice among the targets"]),
    TargetErrorCase(
        name: "a target chosen as a feature", text: "x,y\n1,2\n", columns: ["y"], targets: .values, features: ["x", 1],
        code: .noSuchColumn, mentions: ["\"y\" (index 1) is a target"]),
    TargetErrorCase(
        name: "a target name two columns share", text: "y,x,y\n1,2,3\n", columns: ["y"], targets: .values,
        code: .ambiguousColumn, line: 1, column: 5, mentions: ["columns 1 and 3"]),
    TargetErrorCase(
        name: "no feature left besides the targets", text: "u,note,v\n1,a,2\n", columns: ["u", "v"], targets: .values,
        code: .noSuchColumn, mentions: ["no numeric feature columns besides the target \"u\", \"v\""]),
]

/// Both readers raise the same error, with the file, the line and column, and the value.
@Test(arguments: targetErrorCases)
func csvTargetsReportError(_ testCase: TargetErrorCase) throws {
    let path = try CSVFixturePaths.temporary(testCase.text)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let random = try #require(throws: LoaderError.self) {
        try CSVDataset(path, targetColumns: testCase.columns, targets: testCase.targets, featureColumns: testCase.features)
    }
    let streamed = try #require(throws: LoaderError.self) {
        let dataset = try CSVStreamingDataset(
            path, targetColumns: testCase.columns, targets: testCase.targets, featureColumns: testCase.features)
        for shard in 0..<dataset.shardCount {
            var stream = try dataset.stream(shard: shard)
            while try stream.next() != nil {}
        }
    }
    for error in [random, streamed] {
        #expect(error.code == testCase.code, "\(error)")
        #expect(error.path == path)
        if let line = testCase.line, let column = testCase.column {
            #expect(error.location == .lineColumn(line: line, column: column), "\(error)")
        } else {
            #expect(error.location == nil, "\(error)")
        }
        for words in testCase.mentions {
            #expect(error.description.contains(words), "\(error.description) should mention \(words)")
        }
    }
}
