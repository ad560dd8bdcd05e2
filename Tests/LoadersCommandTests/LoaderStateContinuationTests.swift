import Foundation
import Loaders
import Testing
@testable import loaders

/// A distributed run's loader state moved to another world size or batch size continues the epoch
/// at the same global sample: nothing repeated or skipped, also from a state at the epoch's end.
@Suite struct LoaderStateContinuationTests {
    /// Ten samples whose one feature is their index.
    struct Numbers: Dataset {
        let count = 10
        func sample(at index: Int) throws -> Example { Example(features: Tensor(shape: [1], scalars: [Float(index)]), label: 0) }
    }

    private func loader(batchSize: Int, rank: Int? = nil, worldSize: Int = 1) -> DataLoader<AnyDataset<Example>> {
        let order = RandomSampler(count: 10, seed: 5)
        let batches: any BatchSampling = rank.map {
            DistributedBatchSampler(order, batchSize: batchSize, dropLast: false, process: ProcessRank(rank: $0, worldSize: worldSize, localRank: $0))
        } ?? BatchSampler(order, batchSize: batchSize, dropLast: false)
        return DataLoader(AnyDataset(Numbers()), batchSampler: batches, workers: 0)
    }

    /// The samples of each batch rank `rank` of `worldSize` reads first, and its state after them.
    private func read(_ batches: Int, rank: Int, worldSize: Int) throws -> ([Int], LoaderState) {
        var iterator = loader(batchSize: 2, rank: rank, worldSize: worldSize).makeIterator()
        var samples: [Int] = []
        for _ in 0..<batches { samples += try #require(try iterator.next()).features.scalars.map { Int($0) } }
        return (samples, iterator.state)
    }

    @Test func aTwoRankStateContinuesOnOneProcessAtTheSameSample() throws {
        let order = RandomSampler(count: 10, seed: 5).indices(epoch: 1)
        for (batches, batchSize) in [(0, 4), (1, 4), (1, 2), (2, 1), (2, 8)] {
            let (first, state) = try read(batches, rank: 0, worldSize: 2)
            let (second, _) = try read(batches, rank: 1, worldSize: 2)
            let single = loader(batchSize: batchSize)
            try single.restore(state.continued(by: single.settings))
            var rest = single.makeIterator()
            var after: [Int] = []
            while let batch = try rest.next() { after += batch.features.scalars.map { Int($0) } }
            #expect((first + second).sorted() + after == order.prefix(4 * batches).sorted() + order.dropFirst(4 * batches),
                    "\(batches) global batches of 4, then batches of \(batchSize)")
        }
        // Four samples in, batches of 3 cannot continue: refused, naming both world sizes.
        let (_, state) = try read(1, rank: 0, worldSize: 2)
        let error = try #require(throws: LoaderError.self) { try state.continued(by: loader(batchSize: 3).settings) }
        #expect(error.code == .unsupported && error.message.contains("world size 2") && error.message.contains("world size 1"), "\(error)")
    }

    /// A state written after an epoch's last batch is that epoch's end on any batching: the next
    /// pass is the next epoch, whole.
    @Test func aStateAtTheEpochsEndContinuesWithTheNextEpoch() throws {
        for (rank, batchSize) in [(0, 3), (1, 4), (0, 7)] {
            let (_, state) = try read(3, rank: rank, worldSize: 2)
            #expect(state.epoch == 1 && state.batches == 3)
            let single = loader(batchSize: batchSize)
            try single.restore(state.continued(by: single.settings))
            var rest = single.makeIterator()
            #expect(try rest.next() == nil)
            let next = try collect(single.makeIterator()).flatMap { $0.features.scalars.map { Int($0) } }
            #expect(next == RandomSampler(count: 10, seed: 5).indices(epoch: 2), "rank \(rank), batches of \(batchSize)")
        }
    }
}

/// Every batch `iterator` delivers.
private func collect(_ iterator: LoaderIterator<Batch>) throws -> [Batch] {
    var iterator = iterator
    var batches: [Batch] = []
    while let batch = try iterator.next() { batches.append(batch) }
    return batches
}
