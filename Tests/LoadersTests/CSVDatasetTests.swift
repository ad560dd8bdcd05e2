import Foundation
import Testing
@testable import Loaders

/// Fixtures/wine.csv: the facts pandas reports for it (shape, class counts, column sums of the
/// float32 values, the last row).
@Test func csvReadsWine() throws {
    let wine = try CSVDataset(CSVFixturePaths.fixtures + "/wine.csv", labelColumn: "target")
    #expect(wine.count == 178)
    #expect(wine.featureCount == 13)
    #expect(wine.featureColumns.first == "alcohol")
    #expect(wine.featureColumns.last == "proline")
    #expect(wine.labelCategories == nil)
    let samples = try (0..<wine.count).map { try wine.sample(at: $0) }
    #expect([0, 1, 2].map { label in samples.filter { $0.label == label }.count } == [59, 71, 48])
    let pandasSums = [
        2314.1099996566772, 415.86999958753586, 421.23999989032745, 3470.099997520447, 17754.0,
        408.5299994945526, 361.2100023031235, 64.40999963879585, 283.179999679327, 900.3399986028671,
        170.425999969244, 464.87999963760376, 132947.0,
    ]
    for column in 0..<13 {
        let sum = samples.reduce(0.0) { $0 + Double($1.features.scalars[column]) }
        #expect(abs(sum - pandasSums[column]) <= 1e-9 * abs(pandasSums[column]), "column \(column)")
    }
    #expect(samples[177].features.scalars == [14.13, 4.1, 2.74, 24.5, 96, 2.05, 0.76, 0.56, 1.35, 9.2, 0.61, 1.6, 560])
    #expect(samples[177].label == 2)
}

private struct Expected: Decodable {
    var features: [[UInt32]]
    var labels: [Int]
    var categories: [String]
}

/// Files written by Python's csv module (CRLF, quoted commas, quotes and line breaks) and by
/// pandas (17-digit floats) read back as the values Python wrote, rounded exactly to Float.
@Test(arguments: [
    ("python_csv_module", "species", ["alpha", "beta", "gamma"]),
    ("pandas", "city", ["x1", "x2", "x3", "x4"]),
])
func csvReadsWhatPythonWrote(name: String, labelColumn: String, features: [String]) throws {
    let expected = try JSONDecoder().decode(
        Expected.self, from: Data(contentsOf: URL(fileURLWithPath: CSVFixturePaths.csv(name + ".expected.json"))))
    let dataset = try CSVDataset(CSVFixturePaths.csv(name + ".csv"), labelColumn: labelColumn)
    #expect(dataset.featureColumns == features)
    #expect(dataset.labelCategories == expected.categories)
    try #require(dataset.count == expected.labels.count)
    for index in 0..<dataset.count {
        let sample = try dataset.sample(at: index)
        #expect(sample.features.scalars.map(\.bitPattern) == expected.features[index], "row \(index)")
        #expect(sample.label == expected.labels[index], "row \(index)")
    }
}

/// The streaming view yields every row once, in file order, shard after shard.
@Test func csvStreamsTheSameRowsAsRandomAccess() throws {
    let rows = (0..<120_000).map { "\($0 % 7),\($0),\(Double($0) / 8)\n" }.joined()
    let path = try CSVFixturePaths.temporary("label,a,b\n" + rows)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let dataset = try CSVDataset(
        path, labelColumn: "label", featureColumns: nil, shape: nil, format: .standard, threads: 2,
        minimumPieceBytes: 100_000)
    #expect(dataset.shardCount == 8)
    var streamed: [Example] = []
    for shard in 0..<dataset.shardCount {
        var stream = try dataset.stream(shard: shard)
        while let sample = try stream.next() { streamed.append(sample) }
    }
    #expect(streamed.count == 120_000)
    #expect(streamed[99_999].features.scalars == [99_999, Float(99_999.0 / 8)])
    #expect(streamed[99_999].label == 99_999 % 7)
    let single = try CSVDataset(path, threads: 1)
    #expect(try (0..<single.count).allSatisfy { try single.sample(at: $0) == streamed[$0] })
}

/// Streaming straight from the file gives the rows and label numbers random access gives, shard
/// after shard, for quoted multi-line records and a text label whose categories first appear late.
@Test(arguments: [1, 3, 16])
func csvStreamingDatasetMatchesCSVDataset(shards: Int) throws {
    var text = "note,x,kind,y\n"
    for row in 0..<40_000 {
        let note = row % 5 == 0 ? "\"line\nbreak, \"\"q\"\"\"" : "n\(row)"
        let kind = row < 30_000 ? ["a", "b"][row % 2] : ["c", "a", "d"][row % 3]
        text += "\(note),\(row),\(kind),\(Double(row) * 0.5)\n"
    }
    let path = try CSVFixturePaths.temporary(text)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let memory = try CSVDataset(path, labelColumn: "kind")
    let streaming = try CSVStreamingDataset(path, labelColumn: "kind", shards: shards)
    #expect(streaming.shardCount <= shards && streaming.shardCount >= min(shards, 3))
    #expect(streaming.labelCategories == ["a", "b", "c", "d"])
    #expect(memory.labelCategories == streaming.labelCategories)
    var index = 0
    for shard in 0..<streaming.shardCount {
        var stream = try streaming.stream(shard: shard)
        while let example = try stream.next() {
            #expect(example == (try memory.sample(at: index)), "row \(index)")
            index += 1
        }
    }
    #expect(index == 40_000)
}

@Test func csvStreamingDatasetReportsErrorsWhereTheStreamReadsThem() throws {
    let path = try CSVFixturePaths.temporary("x,label\n1,0\n2,1\nx,1\n")
    let streaming = try CSVStreamingDataset(path)
    var stream = try streaming.stream(shard: 0)
    #expect(try stream.next()?.label == 0)
    #expect(try stream.next()?.label == 1)
    let error = try #require(throws: LoaderError.self) { try stream.next() }
    #expect(error.location == .lineColumn(line: 4, column: 1))
}

/// The first 200 MNIST test images as numpy writes MNIST as CSV (integer pixels) are the IDX
/// images: the IDX reader's `k / 255` of each CSV value, and the same labels.
@Test func csvMNISTHeadMatchesTheIDXFiles() throws {
    let csv = try CSVDataset(CSVFixturePaths.csv("mnist_test_head.csv"), labelColumn: "label", shape: [1, 28, 28])
    let idx = try MNIST(directory: CSVFixturePaths.fixtures + "/mnist", split: .test)
    #expect(csv.count == 200)
    #expect(csv.featureColumns.count == 784)
    for index in 0..<csv.count {
        let fromCSV = try csv.sample(at: index)
        let fromIDX = try idx.sample(at: index)
        #expect(fromCSV.label == fromIDX.label)
        #expect(fromCSV.features.shape == fromIDX.features.shape)
        #expect(fromCSV.features.scalars.map { $0 / 255 } == fromIDX.features.scalars, "image \(index)")
    }
}
