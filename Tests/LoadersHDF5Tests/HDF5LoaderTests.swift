import Foundation
import Loaders
import Testing
@testable import LoadersHDF5

/// HDF5Dataset under the real loaders: worker threads, shuffled batches, streamed shards.
@Suite struct HDF5LoaderTests {
    static func allSamples(_ dataset: HDF5Dataset) throws -> [Example] {
        try dataset.samples(at: Array(0..<dataset.count))
    }

    @Test(arguments: [0, 2, 3])
    func shuffledEpochWithWorkersDeliversEverySampleOnce(workers: Int) throws {
        let dataset = try HDF5Dataset(Fixtures.path("chunked_gzip_shuffle.h5"), cacheBytes: 1000)
        let expected = try Self.allSamples(dataset)
        let loader = DataLoader(dataset, batchSize: 6, shuffle: true, workers: workers, seed: 5)
        var iterator = loader.makeIterator()
        var features: [[Float]] = []
        var labels: [Int32] = []
        while let batch = try iterator.next() {
            #expect(batch.features.shape.dropFirst() == [1, 8, 8])
            let size = 64
            for row in 0..<batch.count {
                features.append(Array(batch.features.scalars[(row * size)..<((row + 1) * size)]))
            }
            labels += batch.labels!.scalars
        }
        // Every sample exactly once, each with its own label, in some shuffled order.
        let delivered = zip(features, labels).map { "\($0)|\($1)" }.sorted()
        let reference = expected.map { "\($0.features.scalars)|\(Int32($0.label!))" }.sorted()
        #expect(delivered == reference)
        #expect(features != expected.map(\.features.scalars))
    }

    @Test func streamingLoaderReadsEveryShard() throws {
        let dataset = try HDF5Dataset(Fixtures.path("nested.h5"), features: "/data/train/x", labels: "/data/train/y", shards: 3)
        let expected = try Self.allSamples(dataset)
        let loader = StreamingDataLoader(dataset, batchSize: 5, shuffleBuffer: 0, shuffleShards: false, workers: 2, seed: 1)
        var iterator = loader.makeIterator()
        var labels: [Int32] = []
        var scalars: [Float] = []
        while let batch = try iterator.next() {
            labels += batch.labels!.scalars
            scalars += batch.features.scalars
        }
        #expect(labels.map(Int.init).sorted() == expected.map { $0.label! }.sorted())
        #expect(scalars.sorted() == expected.flatMap(\.features.scalars).sorted())
    }

    /// Damaged bytes anywhere in a file must surface as a `LoaderError` or read successfully,
    /// never crash or hang: 60 single-byte changes at seeded positions.
    @Test func damagedBytesNeverCrash() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("chunked_gzip_shuffle.h5")))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("loaders-hdf5-damaged-\(UUID().uuidString).h5").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var random = SeededGenerator(seed: 99)
        var outcomes = (read: 0, refused: 0)
        for _ in 0..<60 {
            var bytes = [UInt8](original)
            bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                let dataset = try HDF5Dataset(path, features: "/tiles", labels: "/labels")
                _ = try dataset.samples(at: Array(0..<min(dataset.count, 23)))
                outcomes.read += 1
            } catch is LoaderError {
                outcomes.refused += 1
            }
        }
        #expect(outcomes.read + outcomes.refused == 60)
        #expect(outcomes.refused > 0)
    }
}
