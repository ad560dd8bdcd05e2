import Foundation
import Testing
@testable import Loaders

@Suite struct SamplerTests {
    @Test func sequentialSamplerVisitsInOrder() {
        #expect(SequentialSampler(count: 5).indices(epoch: 4) == [0, 1, 2, 3, 4])
        #expect(SequentialSampler(count: 0).indices(epoch: 1) == [])
    }

    // len(BatchSampler(SequentialSampler(range(n)), b, drop_last)) printed by PyTorch 2.
    @Test(arguments: [(10, 3, false, 4), (10, 3, true, 3), (9, 3, true, 3), (0, 2, false, 0), (1, 5, true, 0)])
    func batchSamplerLengthFollowsPyTorch(count: Int, batchSize: Int, dropLast: Bool, expected: Int) {
        let sampler = BatchSampler(SequentialSampler(count: count), batchSize: batchSize, dropLast: dropLast)
        #expect(sampler.count == expected)
        let batches = sampler.batches(epoch: 1)
        #expect(batches.count == expected)
        #expect(batches.allSatisfy { $0.count == batchSize } || !dropLast)
    }

    /// A batch size near `Int.max` (e.g. from a command-line option) still follows PyTorch's rules.
    @Test(arguments: [false, true])
    func aHugeBatchSizeIsOneBatchOrNone(dropLast: Bool) {
        let sampler = BatchSampler(SequentialSampler(count: 5), batchSize: Int.max, dropLast: dropLast)
        #expect(sampler.count == (dropLast ? 0 : 1))
        #expect(sampler.batches(epoch: 1) == (dropLast ? [] : [[0, 1, 2, 3, 4]]))
    }

    @Test func batchSamplerKeepsSamplerOrder() {
        let sampler = BatchSampler(SequentialSampler(count: 5), batchSize: 2, dropLast: false)
        #expect(sampler.batches(epoch: 1) == [[0, 1], [2, 3], [4]])
        let random = RandomSampler(count: 9, seed: 3)
        let batches = BatchSampler(random, batchSize: 4, dropLast: true).batches(epoch: 3)
        #expect(batches.flatMap { $0 } == Array(random.indices(epoch: 3).prefix(8)))
    }

    // list(DistributedSampler(range(n), num_replicas=w, rank=r, shuffle=False, drop_last=d)) for
    // every rank, printed by PyTorch 2.
    @Test(arguments: [
        (10, 3, false, [[0, 3, 6, 9], [1, 4, 7, 0], [2, 5, 8, 1]]),
        (10, 3, true, [[0, 3, 6], [1, 4, 7], [2, 5, 8]]),
        (2, 4, false, [[0], [1], [0], [1]]),
        (7, 2, true, [[0, 2, 4], [1, 3, 5]]),
        (12, 4, false, [[0, 4, 8], [1, 5, 9], [2, 6, 10], [3, 7, 11]]),
        (5, 4, true, [[0], [1], [2], [3]]),
    ])
    func distributedSamplerMatchesPyTorch(count: Int, worldSize: Int, dropLast: Bool, expected: [[Int]]) {
        let ranks = (0..<worldSize).map {
            DistributedSampler(count: count, rank: $0, worldSize: worldSize, shuffle: false, seed: 0, dropLast: dropLast)
                .indices(epoch: 1)
        }
        #expect(ranks == expected)
    }

    @Test func distributedSamplerLengthsFollowPyTorchFormulas() {
        for count in 0...23 {
            for worldSize in 1...5 {
                for dropLast in [false, true] {
                    // torch/utils/data/distributed.py: num_samples and total_size.
                    let numSamples = dropLast && count % worldSize != 0
                        ? Int(ceil(Double(count - worldSize) / Double(worldSize)))
                        : Int(ceil(Double(count) / Double(worldSize)))
                    let samplers = (0..<worldSize).map {
                        DistributedSampler(count: count, rank: $0, worldSize: worldSize, seed: 9, dropLast: dropLast)
                    }
                    #expect(samplers[0].count == numSamples)
                    #expect(samplers[0].totalSize == numSamples * worldSize)
                    let shares = samplers.map { $0.indices(epoch: 5) }
                    #expect(shares.allSatisfy { $0.count == numSamples })
                    let all = shares.flatMap { $0 }
                    // Padding repeats indices, dropping loses some; neither invents any.
                    #expect(all.allSatisfy { (0..<count).contains($0) })
                    if !dropLast && count > 0 { #expect(Set(all) == Set(0..<count)) }
                    if dropLast { #expect(Set(all).count == all.count) }
                }
            }
        }
    }

    @Test func distributedSamplerShufflesTheSameWayOnEveryRank() {
        let shares = (0..<3).map { DistributedSampler(count: 12, rank: $0, worldSize: 3, seed: 5).indices(epoch: 2) }
        #expect(Set(shares.flatMap { $0 }) == Set(0..<12))
        let other = DistributedSampler(count: 12, rank: 0, worldSize: 3, seed: 5).indices(epoch: 3)
        #expect(other != shares[0])
    }

    @Test func randomSamplerIsASeededPermutationPerEpoch() {
        let sampler = RandomSampler(count: 100, seed: 42)
        let first = sampler.indices(epoch: 1)
        #expect(first.sorted() == Array(0..<100))
        #expect(first != Array(0..<100))
        #expect(sampler.indices(epoch: 2) != first)
        #expect(RandomSampler(count: 100, seed: 42).indices(epoch: 1) == first)
        #expect(RandomSampler(count: 100, seed: 43).indices(epoch: 1) != first)
    }

    @Test func randomSamplerHonoursSampleCountAndReplacement() {
        let longer = RandomSampler(count: 10, sampleCount: 25, seed: 1)
        let indices = longer.indices(epoch: 1)
        #expect(longer.count == 25 && indices.count == 25)
        #expect(indices[0..<10].sorted() == Array(0..<10))
        #expect(indices[10..<20].sorted() == Array(0..<10))
        #expect(Set(indices[20...]).count == 5)

        let drawn = RandomSampler(count: 4, replacement: true, sampleCount: 1000, seed: 1).indices(epoch: 1)
        #expect(drawn.count == 1000)
        #expect(Set(drawn) == Set(0..<4))
    }

    @Test func subsetRandomSamplerPermutesItsIndices() {
        let subset = [3, 9, 27, 81, 243]
        let sampler = SubsetRandomSampler(indices: subset, seed: 2)
        #expect(sampler.count == 5)
        #expect(sampler.indices(epoch: 1).sorted() == subset)
        let epochs = (0..<6).map { sampler.indices(epoch: $0 + 1) }
        #expect(Set(epochs).count > 1)
    }

    @Test func weightedSamplerDrawsInProportionToWeights() {
        let weights = [1.0, 2.0, 0.0, 5.0, 2.0]
        let draws = WeightedRandomSampler(weights: weights, sampleCount: 50_000, seed: 11).indices(epoch: 1)
        var counts = [Int](repeating: 0, count: weights.count)
        for index in draws { counts[index] += 1 }
        #expect(counts[2] == 0)
        for (index, weight) in weights.enumerated() {
            // Expected share weight / 10; a binomial's sd here is below 0.0023, the bound is 0.01.
            #expect(abs(Double(counts[index]) / 50_000 - weight / 10) < 0.01)
        }
    }

    @Test func weightedSamplerWithoutReplacementDrawsDistinctPositiveIndices() {
        let sampler = WeightedRandomSampler(weights: [1, 0, 3, 1, 1], sampleCount: 4, replacement: false, seed: 4)
        let drawn = sampler.indices(epoch: 1)
        #expect(drawn.count == 4 && Set(drawn) == [0, 2, 3, 4])
        // The first draw picks index 2 with probability 3 / 6 (its share of the total weight).
        let firsts = (0..<2000).map { sampler.indices(epoch: $0 + 1)[0] }
        let heavyShare = Double(firsts.count(where: { $0 == 2 })) / 2000
        #expect(abs(heavyShare - 0.5) < 0.05)
    }
}
