import Testing
@testable import Loaders

@Suite struct DistributedBatchSamplerTests {
    /// Every rank's batches for `worldSize` ranks.
    private static func ranks<Base: Sampler>(_ base: Base, worldSize: Int, batchSize: Int, dropLast: Bool, epoch: Int) -> [[[Int]]] {
        (0..<worldSize).map { rank in
            DistributedBatchSampler(base, batchSize: batchSize, dropLast: dropLast, process: ProcessRank(rank: rank, worldSize: worldSize))
                .batches(epoch: epoch)
        }
    }

    /// With world size W and batches of b per rank, rank r's batch i is positions [r·b, (r+1)·b)
    /// of the single-process batch i of W·b; the ranks' batches are disjoint and cover the epoch.
    @Test(arguments: [
        (1280, 2, 32), (1251, 2, 32), (10, 3, 2), (11, 4, 2), (7, 2, 3), (5, 4, 2), (100, 8, 1), (0, 2, 4), (97, 5, 7),
    ], [false, true])
    func ranksTakeSlicesOfTheSingleProcessBatches(shape: (count: Int, worldSize: Int, batchSize: Int), dropLast: Bool) {
        let (count, worldSize, batchSize) = shape
        for epoch in 1...3 {
            Self.checkSlices(RandomSampler(count: count, seed: 42), worldSize: worldSize, batchSize: batchSize, dropLast: dropLast, epoch: epoch)
            Self.checkSlices(SequentialSampler(count: count), worldSize: worldSize, batchSize: batchSize, dropLast: dropLast, epoch: epoch)
        }
    }

    private static func checkSlices(_ base: some Sampler, worldSize: Int, batchSize: Int, dropLast: Bool, epoch: Int) {
        let single = BatchSampler(base, batchSize: worldSize * batchSize, dropLast: dropLast).batches(epoch: epoch)
        let ranks = ranks(base, worldSize: worldSize, batchSize: batchSize, dropLast: dropLast, epoch: epoch)
        #expect(ranks.allSatisfy { $0.count == single.count })
        for (i, batch) in single.enumerated() {
            #expect(ranks.flatMap { $0[i] } == batch, "batch \(i) of epoch \(epoch)")
            if batch.count == worldSize * batchSize {
                for rank in 0..<worldSize {
                    #expect(ranks[rank][i] == Array(batch[rank * batchSize..<(rank + 1) * batchSize]))
                }
            }
            // As even as possible: shares differ by at most one, larger ones first.
            let sizes = ranks.map { $0[i].count }
            #expect(sizes == sizes.sorted(by: >) && sizes[0] - sizes[worldSize - 1] <= 1)
        }
        let visited = ranks.flatMap { $0.flatMap { $0 } }
        #expect(Set(visited).count == visited.count, "disjoint")
        let count = base.count, global = worldSize * batchSize
        let expected = dropLast ? count / global * global : count
        #expect(visited.count == expected && Set(visited) == Set(base.indices(epoch: epoch).prefix(expected)), "covering")
    }

    // For each global batch of W·b positions of arange(n), np.array_split(batch, W)[r] for every
    // rank r, printed by numpy.
    @Test(arguments: [
        (10, 3, 2, [[[0, 1], [6, 7]], [[2, 3], [8]], [[4, 5], [9]]]),
        (11, 4, 2, [[[0, 1], [8]], [[2, 3], [9]], [[4, 5], [10]], [[6, 7], []]]),
        (7, 2, 3, [[[0, 1, 2], [6]], [[3, 4, 5], []]]),
        (5, 4, 2, [[[0, 1]], [[2]], [[3]], [[4]]]),
    ])
    func aPartialLastBatchSplitsLikeNumpyArraySplit(count: Int, worldSize: Int, batchSize: Int, expected: [[[Int]]]) {
        let ranks = Self.ranks(SequentialSampler(count: count), worldSize: worldSize, batchSize: batchSize, dropLast: false, epoch: 1)
        #expect(ranks == expected)
    }

    @Test func dropLastLeavesOnlyFullGlobalBatches() {
        let ranks = Self.ranks(SequentialSampler(count: 11), worldSize: 4, batchSize: 2, dropLast: true, epoch: 1)
        #expect(ranks == [[[0, 1]], [[2, 3]], [[4, 5]], [[6, 7]]])
    }

    @Test func oneRankIsTheOrdinaryBatchSampler() {
        let base = RandomSampler(count: 50, seed: 9)
        let sampler = DistributedBatchSampler(base, batchSize: 8, dropLast: false, process: .single)
        #expect(sampler.batches(epoch: 2) == BatchSampler(base, batchSize: 8, dropLast: false).batches(epoch: 2))
        #expect(sampler.count == 7)
    }

    /// `DistributedSampler` shuffles with the single-process `RandomSampler`'s order for the same
    /// (seed, epoch): reading its ranks' shards position by position gives that order back.
    @Test(arguments: [(12, 3), (10, 4), (7, 1)])
    func distributedSamplerDrawsTheSingleProcessOrder(count: Int, worldSize: Int) {
        for epoch in 1...3 {
            let shards = (0..<worldSize).map {
                DistributedSampler(count: count, process: ProcessRank(rank: $0, worldSize: worldSize), seed: 5).indices(epoch: epoch)
            }
            let interleaved = (0..<shards[0].count).flatMap { position in shards.map { $0[position] } }
            let order = RandomSampler(count: count, seed: 5).indices(epoch: epoch)
            // Past the dataset, the padding repeats the order's start.
            #expect(interleaved == Array((order + order).prefix(interleaved.count)))
        }
    }
}
