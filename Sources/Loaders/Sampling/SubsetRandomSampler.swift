/// Visits a fixed set of dataset indices in a random order that changes every epoch.
///
/// ```swift
/// let validation = SubsetRandomSampler(indices: Array(50_000..<60_000), seed: 1)
/// ```
public struct SubsetRandomSampler: Sampler {
    /// The indices to visit, in their given order.
    public let subset: [Int]
    public let seed: UInt64

    /// - Parameters:
    ///   - indices: the dataset indices to visit each epoch.
    ///   - seed: the seed every epoch's order derives from.
    public init(indices: [Int], seed: UInt64) {
        self.subset = indices
        self.seed = seed
    }

    public var count: Int { subset.count }

    public var orderSettings: [String: String] {
        ["sampler": "SubsetRandomSampler", "count": "\(count)", "indices": settingsDigest(subset), "seed": "\(seed)"]
    }

    /// - Complexity: O(`count`).
    public func indices(epoch: Int) -> [Int] {
        var random = SeededGenerator(seed: seed, epoch: epoch)
        return random.permutation(of: subset.count).map { subset[$0] }
    }
}
