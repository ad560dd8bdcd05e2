import Foundation
import Testing
@testable import Loaders

/// Augmentation's randomness is a pure function of (seed, epoch, sample index): an augmented
/// epoch is bit for bit the same with any worker count and prefetch and after a resume, and
/// differs from epoch to epoch.
@Suite struct AugmentedLoadingTests {
    /// 40 images of 1×3×4 whose pixels say which sample and where, so a flip is visible.
    struct Images: Dataset {
        let count = 40
        func sample(at index: Int) throws -> Example {
            Example(features: Tensor(shape: [1, 3, 4], scalars: (0..<12).map { Float(100 * index + $0) }), label: index % 10)
        }
    }

    private let augmentation = Augmentation([RandomHorizontalFlip(), RandomVerticalFlip(probability: 0.3)])

    private func loader(workers: Int, prefetch: Int = 2) -> DataLoader<AugmentedDataset<Images>> {
        DataLoader(Images().augmented(by: augmentation, seed: 9), batchSize: 6, shuffle: true, workers: workers, prefetch: prefetch, seed: 4)
    }

    @Test func anAugmentedEpochIsTheSameForAnyWorkerCountAndPrefetch() throws {
        let reference = try collect(loader(workers: 0).epoch(2)).map(\.features.scalars)
        for (workers, prefetch) in [(1, 1), (2, 2), (4, 1), (16, 3)] {
            #expect(try collect(loader(workers: workers, prefetch: prefetch).epoch(2)).map(\.features.scalars) == reference,
                    "\(workers) workers, prefetch \(prefetch)")
        }
    }

    @Test func anAugmentedEpochResumedMidwayWithOtherWorkersIsTheSame() throws {
        let reference = try collect(loader(workers: 0).epoch(1)).map(\.features.scalars)
        let first = loader(workers: 3)
        var iterator = first.makeIterator()
        var batches: [[Float]] = []
        for _ in 0..<3 { batches.append(try #require(try iterator.next()).features.scalars) }
        let resumed = loader(workers: 1)
        try resumed.restore(JSONDecoder().decode(LoaderState.self, from: JSONEncoder().encode(iterator.state)))
        var rest = resumed.makeIterator()
        while let batch = try rest.next() { batches.append(batch.features.scalars) }
        #expect(batches == reference)
    }

    /// Each sample's flips follow from its own generator: the same sample is flipped alike in
    /// every order, differently in other epochs, and about half of the samples are mirrored.
    @Test func eachSampleDrawsFromItsOwnSeedEpochAndIndex() throws {
        let dataset = Images().augmented(by: RandomHorizontalFlip(), seed: 9)
        let forward = try dataset.samples(at: Array(0..<40), epoch: 3)
        let backward = try dataset.samples(at: Array((0..<40).reversed()), epoch: 3)
        #expect(forward.map(\.features.scalars) == backward.reversed().map(\.features.scalars))
        let mirrored = forward.enumerated().map { index, example in
            example.features.scalars[0] == Float(100 * index + 3)   // the first pixel is the row's last
        }
        let kept = forward.enumerated().map { index, example in example.features.scalars == (0..<12).map { Float(100 * index + $0) } }
        #expect(zip(mirrored, kept).allSatisfy { $0 != $1 })
        #expect((10...30).contains(mirrored.count(where: { $0 })))
        let otherEpoch = try dataset.samples(at: Array(0..<40), epoch: 4)
        #expect(otherEpoch.map(\.features.scalars) != forward.map(\.features.scalars))
        // Read directly, a sample is as epoch 1 sees it; labels pass through.
        #expect(try dataset.sample(at: 7).features.scalars == dataset.samples(at: [7], epoch: 1)[0].features.scalars)
        #expect(forward.map(\.label) == (0..<40).map { $0 % 10 })
    }

    /// A flip reverses the last dimension (horizontal) or the rows (vertical) of every channel,
    /// as torch.flip(image, [-1]) and [-2] do.
    @Test func flipsReverseTheLastOrSecondToLastDimension() throws {
        var random = SeededGenerator(seed: 1)
        let image = Tensor(shape: [2, 2, 3], scalars: (0..<12).map(Float.init))
        #expect(try RandomHorizontalFlip(probability: 1).apply(image, using: &random).scalars == [2, 1, 0, 5, 4, 3, 8, 7, 6, 11, 10, 9])
        #expect(try RandomVerticalFlip(probability: 1).apply(image, using: &random).scalars == [3, 4, 5, 0, 1, 2, 9, 10, 11, 6, 7, 8])
        #expect(try RandomHorizontalFlip(probability: 0).apply(image, using: &random).scalars == image.scalars)
        let error = try #require(throws: LoaderError.self) {
            try Images().augmented(by: RandomHorizontalFlip(probability: 1), seed: 0)
                .map { Example(features: Tensor(shape: [12], scalars: $0.features.scalars), target: $0.target) }
                .augmented(by: RandomHorizontalFlip(probability: 1), seed: 0).sample(at: 5)
        }
        #expect(error.code == .mismatch && error.location == .sampleIndex(5))
    }
}
