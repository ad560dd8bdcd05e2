import Foundation
import Testing
@testable import Loaders

/// MNIST's test split written as CSV (label first, the 784 pixels as the IDX reader gives them)
/// and read back gives the very batches the IDX files give: same seed, same order, same values,
/// with worker threads on both sides.
@Test func mnistConvertedToCSVGivesTheSameBatchesAsIDX() throws {
    let idx = try MNIST(directory: CSVFixturePaths.fixtures + "/mnist", split: .test)
    var writer = CSVWriter(featureCount: 784)
    var bytes: [UInt8] = []
    for index in 0..<idx.count {
        writer.append(try idx.sample(at: index))
        if writer.bytes.count > 1 << 20 { bytes += writer.take() }
    }
    bytes += writer.take()
    let path = try CSVFixturePaths.temporary(bytes)
    defer { try? FileManager.default.removeItem(atPath: path) }
    let csv = try CSVDataset(path, shape: [1, 28, 28])
    #expect(csv.count == 10_000)

    let fromIDX = DataLoader(idx, batchSize: 64, shuffle: true, workers: 2, seed: 42)
    let fromCSV = DataLoader(csv, batchSize: 64, shuffle: true, workers: 2, seed: 42)
    var idxBatches = fromIDX.makeIterator()
    var csvBatches = fromCSV.makeIterator()
    var batches = 0
    while let expected = try idxBatches.next() {
        let batch = try #require(try csvBatches.next())
        #expect(batch == expected, "batch \(batches)")
        batches += 1
    }
    #expect(try csvBatches.next() == nil)
    #expect(batches == 157)
}

/// Streamed from the file by the streaming loader's workers, shards in order and unshuffled,
/// the batches hold the file's rows in order: the rows random access gives.
@Test func csvStreamingDatasetFeedsTheStreamingLoader() throws {
    let path = CSVFixturePaths.csv("mnist_test_head.csv")
    let streaming = try CSVStreamingDataset(path, shape: [1, 28, 28], shards: 4)
    let memory = try CSVDataset(path, shape: [1, 28, 28])
    let loader = StreamingDataLoader(streaming, batchSize: 32, shuffleShards: false, workers: 2)
    var rows: [Example] = []
    var batches = loader.makeIterator()
    while let batch = try batches.next() {
        for row in 0..<batch.count {
            let features = Array(batch.features.scalars[row * 784 ..< (row + 1) * 784])
            rows.append(Example(features: Tensor(shape: [1, 28, 28], scalars: features), label: Int(batch.labels!.scalars[row])))
        }
    }
    #expect(rows.count == memory.count)
    #expect(try rows.indices.allSatisfy { try rows[$0] == memory.sample(at: $0) })
}
