/// A dataset whose images pass through a random `ImageTransform` as they are read, each sample's
/// draws a pure function of (seed, epoch, index): the same for any worker count, prefetch or
/// resume, and different from epoch to epoch. Made by `Dataset.augmented(by:seed:)`.
///
/// Read through a loader, each epoch sees its own augmentation; read directly (`sample(at:)`,
/// `samples(at:)`), a sample is as epoch 1 sees it. Targets pass through unchanged.
///
/// ```swift
/// let augmented = train.augmented(by: Augmentation([RandomHorizontalFlip()]), seed: 7)
///     .normalized(mean: 0.1307, std: 0.3081)       // augment the [0, 1] image, then normalise
/// let loader = DataLoader(augmented, batchSize: 64, shuffle: true, workers: 2, seed: 42)
/// ```
public struct AugmentedDataset<Base: Dataset>: Dataset where Base.Element == Example {
    public let base: Base
    public let transform: any ImageTransform
    public let seed: UInt64

    public init(_ base: Base, transform: any ImageTransform, seed: UInt64) {
        self.base = base
        self.transform = transform
        self.seed = seed
    }

    public var count: Int { base.count }
    public var origin: String? { base.origin }

    public func sample(at index: Int) throws -> Example {
        try samples(at: [index], epoch: 1)[0]
    }

    public func samples(at indices: [Int]) throws -> [Example] {
        try samples(at: indices, epoch: 1)
    }

    /// - Throws: the base dataset's error, or the transform's, naming the sample's index.
    public func samples(at indices: [Int], epoch: Int) throws -> [Example] {
        var examples = try base.samples(at: indices, epoch: epoch)
        for (position, index) in indices.enumerated() {
            var random = Augmentation.generator(seed: seed, epoch: epoch, index: index)
            do {
                examples[position].features = try transform.apply(examples[position].features, using: &random)
            } catch {
                var failure = error as? LoaderError ?? LoaderError(.mismatch, "\(error)")
                failure.location = failure.location ?? .sampleIndex(index)
                failure.path = failure.path ?? origin
                throw failure
            }
        }
        return examples
    }
}

extension Dataset where Element == Example {
    /// This dataset with `transform` applied to each sample's features, its random choices drawn
    /// from (seed, epoch, index).
    public func augmented(by transform: any ImageTransform, seed: UInt64) -> AugmentedDataset<Self> {
        AugmentedDataset(self, transform: transform, seed: seed)
    }
}
