import Foundation
import Testing
@testable import Loaders

/// Streamed augmentation draws from (seed, epoch, shard, position in the shard as stored): the
/// same epoch for any worker count, prefetch, shuffle buffer and resume, another one next epoch.
@Suite struct AugmentedStreamingTests {
    /// Adds one uniform draw in [0, 1) to every value: the sample's id stays its whole part, and
    /// the fraction shows which generator it drew from. Throws for the sample whose id is `failing`.
    struct Jitter: ImageTransform {
        var failing: Float? = nil
        func apply(_ image: Tensor<Float>, using random: inout SeededGenerator) throws -> Tensor<Float> {
            if image.scalars.first == failing { throw LoaderError(.mismatch, "jitter refuses \(image.scalars)") }
            let draw = Float(random.unitDouble())
            return Tensor(shape: image.shape, scalars: image.scalars.map { $0 + draw })
        }
    }

    private let shards = ShardedRangeDataset(sizes: [9, 1, 14, 0, 11, 7])

    private func loader(workers: Int, prefetch: Int = 2, shuffleBuffer: Int = 5) -> StreamingDataLoader<AugmentedStreamingDataset<ShardedRangeDataset>> {
        StreamingDataLoader(AugmentedStreamingDataset(shards, transform: Jitter(), seed: 11), batchSize: 4, shuffleBuffer: shuffleBuffer,
                            workers: workers, prefetch: prefetch, seed: 3)
    }

    @Test func eachSampleDrawsFromItsSeedEpochShardAndPosition() throws {
        for epoch in [1, 2] {
            let values = try collect(loader(workers: 2).epoch(epoch)).flatMap(\.features.scalars)
            #expect(values.count == shards.sizes.reduce(0, +))
            for value in values {
                let id = Int(value.rounded(.down))
                var random = Augmentation.generator(seed: 11, epoch: epoch, shard: id / 1000, position: id % 1000)
                #expect(value == Float(id) + Float(random.unitDouble()), "sample \(id) in epoch \(epoch)")
            }
        }
        let first = try collect(loader(workers: 0).epoch(1)).flatMap(\.features.scalars)
        let second = try collect(loader(workers: 0).epoch(2)).flatMap(\.features.scalars)
        #expect(Set(first.map { $0 - $0.rounded(.down) }).isDisjoint(with: second.map { $0 - $0.rounded(.down) }))
    }

    @Test func anAugmentedStreamIsTheSameForAnyWorkerCountPrefetchAndBuffer() throws {
        let reference = try collect(loader(workers: 0).epoch(2)).map(\.features.scalars)
        for (workers, prefetch) in [(1, 1), (2, 2), (4, 1), (16, 3)] {
            #expect(try collect(loader(workers: workers, prefetch: prefetch).epoch(2)).map(\.features.scalars) == reference,
                    "\(workers) workers, prefetch \(prefetch)")
        }
        // Another shuffle buffer orders the samples differently but augments each the same.
        let unshuffled = try collect(loader(workers: 2, shuffleBuffer: 0).epoch(2)).flatMap(\.features.scalars)
        #expect(unshuffled.sorted() == reference.flatMap { $0 }.sorted())
    }

    @Test func anAugmentedStreamResumedAtEveryBatchWithOtherWorkersIsTheSame() throws {
        let reference = try collect(loader(workers: 0).epoch(1)).map(\.features.scalars)
        for cut in 0...reference.count {
            let first = loader(workers: 3)
            var iterator = first.makeIterator()
            var batches: [[Float]] = []
            for _ in 0..<cut { batches.append(try #require(try iterator.next()).features.scalars) }
            let resumed = loader(workers: cut % 3)
            try resumed.restore(JSONDecoder().decode(LoaderState.self, from: JSONEncoder().encode(iterator.state)))
            var rest = resumed.makeIterator()
            while let batch = try rest.next() { batches.append(batch.features.scalars) }
            #expect(batches == reference, "resumed after \(cut) batches")
        }
    }

    @Test func aTransformsErrorNamesTheShardAndThePosition() throws {
        let failing = StreamingDataLoader(AugmentedStreamingDataset(shards, transform: Jitter(failing: 2005), seed: 11), batchSize: 4, shuffleBuffer: 5, workers: 2, seed: 3)
        let error = try #require(throws: LoaderError.self) { _ = try collect(failing.epoch(1)) }
        #expect(error.code == .mismatch && error.location == .sampleIndex(5) && error.message.contains("shard 2"), "\(error)")
        // Read directly, a shard is as epoch 1 sees it.
        let dataset = AugmentedStreamingDataset(shards, transform: Jitter(), seed: 11)
        var direct = try dataset.stream(shard: 4)
        var epochOne = try dataset.stream(shard: 4, epoch: 1)
        while let sample = try direct.next() { #expect(try epochOne.next()?.features.scalars == sample.features.scalars) }
    }
}
