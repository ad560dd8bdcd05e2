import Foundation
import Loaders
import Synchronization
import Testing
@testable import LoadersHDF5

@Suite struct HDF5DatasetTests {
    /// (file, features, labels) pairs covering each layout, filter set, element type and byte order.
    static let pairs: [(String, String, String)] = [
        ("contiguous_uint8.h5", "/images", "/labels"),
        ("chunked_gzip_shuffle.h5", "/images", "/labels"),
        ("nested.h5", "/data/train/x", "/data/train/y"),
        ("nested.h5", "/data/test/x", "/data/test/y"),
        ("byte_orders.h5", "/big/i4", "/labels"),
        ("byte_orders.h5", "/big/f8", "/labels"),
        ("byte_orders.h5", "/little/u2", "/labels"),
        ("resizable.h5", "/images", "/labels"),
        ("resizable.h5", "/compact", "/compact_labels"),
        ("userblock.h5", "/images", "/labels"),
    ]

    /// What a sample must hold, from h5py's values: uint8 scaled by 1/255, others as Float.
    static func expectedSamples(_ file: String, _ features: String, _ labels: String) throws -> [Example] {
        let x = try #require(Fixtures.expected(file, features))
        let y = try #require(Fixtures.expected(file, labels))
        let rowElements = x.shape.dropFirst().reduce(1, *)
        let values = Fixtures.doubles(x).map { x.dtype == "uint8" ? Float($0) / 255 : Float($0) }
        // IDX's convention: uint8 images [N, H, W] arrive as [1, H, W].
        let shape = x.dtype == "uint8" && x.shape.count == 3 ? [1] + x.shape.dropFirst() : Array(x.shape.dropFirst())
        return (0..<x.shape[0]).map { row in
            Example(
                features: Tensor(shape: shape, scalars: Array(values[(row * rowElements)..<((row + 1) * rowElements)])),
                label: Int(Double(y.text[row]) ?? -1))
        }
    }

    @Test(arguments: pairs.map { "\($0.0)|\($0.1)|\($0.2)" })
    func randomAccessMatchesH5py(key: String) throws {
        let parts = key.split(separator: "|").map(String.init)
        let expected = try Self.expectedSamples(parts[0], parts[1], parts[2])
        let dataset = try HDF5Dataset(Fixtures.path(parts[0]), features: parts[1], labels: parts[2])
        #expect(dataset.count == expected.count)
        #expect(try dataset.samples(at: Array(0..<dataset.count)) == expected)
        let throughLibrary = try HDF5Dataset(Fixtures.path(parts[0]), features: parts[1], labels: parts[2], strategy: .libhdf5)
        #expect(try throughLibrary.samples(at: Array(0..<dataset.count).reversed()) == expected.reversed())
        var random = SeededGenerator(seed: 3)
        let order = (0..<dataset.count).shuffled(using: &random) + [0, 0, dataset.count - 1]
        #expect(try dataset.samples(at: order) == order.map { expected[$0] })
        #expect(try dataset.sample(at: dataset.count - 1) == expected.last)
    }

    @Test(arguments: pairs.map { "\($0.0)|\($0.1)|\($0.2)" })
    func streamingShardsConcatenateToTheDataset(key: String) throws {
        let parts = key.split(separator: "|").map(String.init)
        let expected = try Self.expectedSamples(parts[0], parts[1], parts[2])
        for shards in [1, 3] {
            let dataset = try HDF5Dataset(Fixtures.path(parts[0]), features: parts[1], labels: parts[2], shards: shards)
            var streamed: [Example] = []
            for shard in 0..<dataset.shardCount {
                var stream = try dataset.stream(shard: shard)
                while let example = try stream.next() { streamed.append(example) }
            }
            #expect(streamed == expected)
        }
    }

    @Test func sampleShapeReshapesFeatures() throws {
        #expect(try HDF5Dataset(Fixtures.path("contiguous_uint8.h5")).sample(at: 2).features.shape == [1, 4, 5])
        let dataset = try HDF5Dataset(Fixtures.path("contiguous_uint8.h5"), sampleShape: [20])
        #expect(try dataset.sample(at: 2).features.shape == [20])
        #expect(throws: LoaderError.self) { try HDF5Dataset(Fixtures.path("contiguous_uint8.h5"), sampleShape: [3, 7]) }
    }

    @Test func uint8FeaturesScaleToTheUnitInterval() throws {
        let dataset = try HDF5Dataset(Fixtures.path("chunked_gzip_shuffle.h5"))
        let all = try dataset.samples(at: Array(0..<dataset.count)).flatMap(\.features.scalars)
        #expect(all.min() == 0)
        #expect(all.max() == 1)
    }

    /// Many threads reading shuffled batches through one dataset (a cache small enough to
    /// evict) get what one thread reads.
    @Test(arguments: [0, 600, 1 << 20])
    func concurrentBatchesEqualSequentialReads(cacheBytes: Int) throws {
        let images = try HDF5Dataset(Fixtures.path("chunked_gzip_shuffle.h5"), cacheBytes: cacheBytes)
        let expected = try images.samples(at: Array(0..<images.count))
        let mismatches = Atomic<Int>(0)
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            var random = SeededGenerator(seed: 11, stream: UInt64(worker))
            for _ in 0..<20 {
                let batch = (0..<9).map { _ in Int.random(in: 0..<images.count, using: &random) }
                do {
                    if try images.samples(at: batch) != batch.map({ expected[$0] }) {
                        mismatches.add(1, ordering: .relaxed)
                    }
                } catch {
                    failures.add(1, ordering: .relaxed)
                }
            }
        }
        #expect(mismatches.load(ordering: .relaxed) == 0)
        #expect(failures.load(ordering: .relaxed) == 0)
    }

    /// h5py wrote Int64.max rows of zero-element features and never-written labels (fill value 3):
    /// block and shard arithmetic near the largest integer must not overflow.
    @Test func rowCountsNearIntMaxDoNotOverflow() throws {
        let dataset = try HDF5Dataset(Fixtures.path("empty_rows.h5"), features: "/huge_rows", labels: "/huge_labels")
        #expect(dataset.count == Int.max)
        let samples = try dataset.samples(at: [Int.max - 1, 0])
        #expect(samples.map(\.label) == [3, 3])
        #expect(samples.allSatisfy { $0.features.shape == [0] })
        let stored = dataset.labels.stored
        #expect(stored.blockRange(stored.blockCount - 1).upperBound == Int.max)
        // One-row feature chunks: Int.max blocks split into shards.
        #expect(dataset.shardCount == 8)
        #expect(dataset.rows(ofShard: 0).lowerBound == 0)
        #expect(dataset.rows(ofShard: 7).upperBound == Int.max)
        #expect((0..<7).allSatisfy { dataset.rows(ofShard: $0).upperBound == dataset.rows(ofShard: $0 + 1).lowerBound })
        var stream = try dataset.stream(shard: 7)
        #expect(try stream.next()?.label == 3)
    }
}
