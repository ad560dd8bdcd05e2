/// Visits a dataset in a random order that changes every epoch, like PyTorch's `RandomSampler`.
///
/// Without replacement, an epoch is a permutation of `0..<datasetCount`; a `sampleCount` larger
/// than the dataset concatenates fresh permutations, and a smaller one takes a permutation's prefix.
/// With replacement, each index is drawn uniformly and independently. The order is a pure function
/// of `(seed, epoch)`.
///
/// ```swift
/// let sampler = RandomSampler(count: 60_000, seed: 42)
/// let first = sampler.indices(epoch: 1), second = sampler.indices(epoch: 2)   // two permutations
/// ```
public struct RandomSampler: Sampler {
    /// The number of samples in the dataset.
    public let datasetCount: Int
    /// Whether an index may be drawn more than once per epoch.
    public let replacement: Bool
    public let seed: UInt64
    /// The number of indices per epoch.
    public let count: Int

    /// - Parameters:
    ///   - count: the dataset's sample count.
    ///   - replacement: draw indices independently (`true`) or as permutations (`false`).
    ///   - sampleCount: indices per epoch; `nil` means `count`.
    ///   - seed: the seed every epoch's order derives from.
    /// - Precondition: `count >= 0`, `sampleCount >= 0`, and a dataset to draw from when sampling.
    public init(count: Int, replacement: Bool = false, sampleCount: Int? = nil, seed: UInt64) {
        require(count >= 0, "RandomSampler count must not be negative, got \(count)")
        let samples = sampleCount ?? count
        require(samples >= 0, "RandomSampler sampleCount must not be negative, got \(samples)")
        require(samples == 0 || count > 0, "RandomSampler cannot draw \(samples) samples from an empty dataset")
        self.datasetCount = count
        self.replacement = replacement
        self.seed = seed
        self.count = samples
    }

    public var orderSettings: [String: String] {
        ["sampler": "RandomSampler", "dataset count": "\(datasetCount)", "count": "\(count)",
         "replacement": "\(replacement)", "seed": "\(seed)"]
    }

    /// - Complexity: O(`count + datasetCount`).
    public func indices(epoch: Int) -> [Int] {
        var random = SeededGenerator(seed: seed, epoch: epoch)
        if replacement {
            return (0..<count).map { _ in random.uniform(below: datasetCount) }
        }
        var indices: [Int] = []
        indices.reserveCapacity(count)
        while indices.count < count {
            let permutation = random.permutation(of: datasetCount)
            indices.append(contentsOf: permutation.prefix(count - indices.count))
        }
        return indices
    }
}
