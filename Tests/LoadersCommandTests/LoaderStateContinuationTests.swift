import Foundation
import Loaders
import Testing
@testable import loaders

/// A distributed run's loader state moved to another world size or batch size continues the epoch
/// at the same global sample: nothing repeated or skipped, between two of the new batches if need
/// be, and also from a state at the epoch's end.
@Suite struct LoaderStateContinuationTests {
    /// Ten samples whose one feature is their index.
    struct Numbers: Dataset {
        let count = 10
        func sample(at index: Int) throws -> Example { Example(features: Tensor(shape: [1], scalars: [Float(index)]), label: 0) }
    }

    private let order = RandomSampler(count: 10, seed: 5)

    /// A loader of batches of `batchSize` per rank (`rank` of `worldSize`, or one process), as
    /// `loaders train` makes it: continuing from `saved`, if given, at the same sample.
    private func loader(batchSize: Int, rank: Int? = nil, worldSize: Int = 1, placedFrom saved: LoaderState? = nil) throws
        -> DataLoader<AnyDataset<Example>> {
        let process = rank.map { ProcessRank(rank: $0, worldSize: worldSize, localRank: $0) }
        var batches: any BatchSampling = process.map { DistributedBatchSampler(order, batchSize: batchSize, dropLast: false, process: $0) }
            ?? BatchSampler(order, batchSize: batchSize, dropLast: false)
        var loader = DataLoader(AnyDataset(Numbers()), batchSampler: batches, workers: 0)
        guard let saved else { return loader }
        switch saved.placed(on: loader.settings) {
        case .state(let state):
            try loader.restore(state)
        case .between(let epoch, let start):
            batches = ContinuedEpochBatches(base: batches, order: order, globalBatchSize: batchSize * worldSize, process: process,
                                            epoch: epoch, start: start)
            loader = DataLoader(AnyDataset(Numbers()), batchSampler: batches, workers: 0)
            try loader.restore(LoaderState(epoch: epoch, batches: 0, samples: 0, settings: loader.settings))
        }
        return loader
    }

    /// The samples of the first `batches` batches `loader`'s next pass delivers (all, if `nil`),
    /// and its state after them.
    private func read(_ loader: DataLoader<AnyDataset<Example>>, batches: Int = .max) throws -> ([Int], LoaderState) {
        var iterator = loader.makeIterator()
        var (samples, read) = ([Int](), 0)
        while read < batches, let batch = try iterator.next() {
            samples += batch.features.scalars.map { Int($0) }
            read += 1
        }
        return (samples, iterator.state)
    }

    @Test func aTwoRankStateContinuesOnOtherBatchingsAtTheSameSample() throws {
        let epoch = order.indices(epoch: 1)
        // (global batches of 4 read on two ranks, then batches of this size): 4 and 8 samples in,
        // on boundaries of the new batches or between them.
        for (batches, batchSize) in [(0, 4), (1, 4), (1, 2), (1, 3), (2, 1), (2, 8), (2, 3), (1, 7)] {
            let (first, state) = try read(loader(batchSize: 2, rank: 0, worldSize: 2), batches: batches)
            let (second, _) = try read(loader(batchSize: 2, rank: 1, worldSize: 2), batches: batches)
            let (after, _) = try read(loader(batchSize: batchSize, placedFrom: state))
            #expect((first + second).sorted() == epoch.prefix(4 * batches).sorted() && after == Array(epoch.dropFirst(4 * batches)),
                    "\(batches) global batches of 4, then batches of \(batchSize)")
        }
    }

    /// A run continued between batches and stopped again resumes on yet another world size from
    /// the sample it reached, and its next epoch is whole.
    @Test func aContinuedEpochResumesAgainFromWhereItStopped() throws {
        let epoch = order.indices(epoch: 1)
        let (twoRanks, state) = try read(loader(batchSize: 2, rank: 0, worldSize: 2), batches: 1)
        let (otherRank, _) = try read(loader(batchSize: 2, rank: 1, worldSize: 2), batches: 1)
        let single = try loader(batchSize: 3, placedFrom: state)          // from sample 4, batches of 3
        let (middle, stopped) = try read(single, batches: 1)              // samples 4-6
        #expect(middle == Array(epoch[4..<7]))
        let threeRanks = try (0..<3).map { try loader(batchSize: 1, rank: $0, worldSize: 3, placedFrom: stopped) }
        let rest = try threeRanks.map { try read($0).0 }
        #expect((twoRanks + otherRank + middle + rest.flatMap { $0 }).sorted() == Array(0..<10))
        #expect(Set(rest.flatMap { $0 }) == Set(epoch[7...]))
        // Each rank's next pass is epoch 2, whole, in global batches of 3.
        let next = try threeRanks.map { try read($0).0 }
        #expect(next.flatMap { $0 }.sorted() == Array(0..<10) && next[0].count == 4)
    }

    /// A state written after an epoch's last batch is that epoch's end on any batching: the next
    /// pass is the next epoch, whole.
    @Test func aStateAtTheEpochsEndContinuesWithTheNextEpoch() throws {
        for (rank, batchSize) in [(0, 3), (1, 4), (0, 7)] {
            let (_, state) = try read(loader(batchSize: 2, rank: rank, worldSize: 2), batches: 3)
            #expect(state.epoch == 1 && state.batches == 3)
            let single = try loader(batchSize: batchSize, placedFrom: state)
            #expect(try read(single).0.isEmpty)
            #expect(try read(single).0 == order.indices(epoch: 2), "rank \(rank), batches of \(batchSize)")
        }
    }
}
