import Testing
@testable import Loaders

@Suite struct DatasetCombinatorTests {
    @Test func mapSubsetAndConcatenationReadTheRightSamples() throws {
        let base = RangeDataset(count: 10)
        let doubled = base.map { Example(features: $0.features, label: $0.label! * 2) }
        #expect(try doubled.sample(at: 3).label == 6)
        #expect(try doubled.samples(at: [1, 4]).map { $0.label! } == [2, 8])

        let subset = base.subset([7, 2, 5])
        #expect(subset.count == 3)
        #expect(try subset.samples(at: [0, 2]).map(\.features.scalars[0]) == [7, 5])

        let joined = RangeDataset(count: 3).concatenated(with: subset)
        #expect(joined.count == 6)
        #expect(try joined.samples(at: [0, 3, 2, 5, 4]).map(\.features.scalars[0]) == [0, 7, 2, 5, 2])
        #expect(try joined.sample(at: 4).features.scalars[0] == 2)
    }

    @Test func normalizedStandardisesFeatures() throws {
        let scalar = RangeDataset(count: 5).normalized(mean: 1, std: 2)
        #expect(try scalar.sample(at: 3).features.scalars == [1, 1.25])   // (3-1)/2, (3.5-1)/2

        struct TwoChannels: Dataset {
            let count = 1
            func sample(at index: Int) throws -> Example {
                Example(features: Tensor(shape: [2, 2], scalars: [1, 3, 10, 30]), label: 0)
            }
        }
        let perChannel = TwoChannels().normalized(mean: [1, 10], std: [2, 10])
        #expect(try perChannel.sample(at: 0).features.scalars == [0, 1, 0, 2])
        let wrong = TwoChannels().normalized(mean: [0, 0, 0], std: [1, 1, 1])
        #expect(throws: LoaderError.self) { try wrong.sample(at: 0) }
    }

    @Test func randomSplitByCountsPartitionsTheDataset() {
        let parts = RangeDataset(count: 20).randomSplit(counts: [12, 5, 3], seed: 8)
        #expect(parts.map(\.count) == [12, 5, 3])
        let all = parts.flatMap(\.indices)
        #expect(all.sorted() == Array(0..<20))
        #expect(all != Array(0..<20))
        #expect(RangeDataset(count: 20).randomSplit(counts: [12, 5, 3], seed: 8).map(\.indices) == parts.map(\.indices))
    }

    // len of each part of torch.utils.data.random_split(range(n), fractions), printed by PyTorch 2.
    @Test(arguments: [(10, [0.33, 0.33, 0.34], [4, 3, 3]), (7, [0.5, 0.5], [4, 3]), (11, [0.1, 0.2, 0.3, 0.4], [2, 2, 3, 4])])
    func randomSplitByFractionsFollowsPyTorchRounding(count: Int, fractions: [Double], expected: [Int]) {
        let parts = RangeDataset(count: count).randomSplit(fractions: fractions, seed: 0)
        #expect(parts.map(\.count) == expected)
        #expect(parts.flatMap(\.indices).sorted() == Array(0..<count))
    }
}
