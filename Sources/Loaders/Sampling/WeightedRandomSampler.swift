import Foundation

/// Draws indices with probabilities proportional to `weights`, like PyTorch's `WeightedRandomSampler`.
///
/// With replacement, each draw is independent; without, every index appears at most once and
/// `sampleCount` must not exceed the number of positive weights. Useful for rebalancing classes.
///
/// ```swift
/// // Draw the rare class (index 2) as often as the other two together.
/// let sampler = WeightedRandomSampler(weights: [1, 1, 2], sampleCount: 100, seed: 7)
/// ```
public struct WeightedRandomSampler: Sampler {
    /// Each index's relative weight.
    public let weights: [Double]
    public let replacement: Bool
    public let seed: UInt64
    /// The number of indices per epoch.
    public let count: Int
    private let cumulative: [Double]

    /// - Parameters:
    ///   - weights: one non-negative weight per dataset index, not all zero; need not sum to 1.
    ///   - sampleCount: the number of indices per epoch.
    ///   - replacement: whether an index may be drawn more than once per epoch.
    ///   - seed: the seed every epoch's draws derive from.
    /// - Precondition: weights are finite and non-negative with a positive sum; `sampleCount >= 0`;
    ///   without replacement, `sampleCount` is at most the number of positive weights.
    public init(weights: [Double], sampleCount: Int, replacement: Bool = true, seed: UInt64) {
        require(weights.allSatisfy { $0 >= 0 && $0.isFinite }, "WeightedRandomSampler weights must be finite and non-negative")
        require(sampleCount >= 0, "WeightedRandomSampler sampleCount must not be negative, got \(sampleCount)")
        let positive = weights.count(where: { $0 > 0 })
        require(sampleCount == 0 || positive > 0, "WeightedRandomSampler needs a positive weight to draw from")
        require(
            replacement || sampleCount <= positive,
            "WeightedRandomSampler cannot draw \(sampleCount) distinct indices from \(positive) positive weights")
        self.weights = weights
        self.replacement = replacement
        self.seed = seed
        self.count = sampleCount
        var running = 0.0
        self.cumulative = weights.map { running += $0; return running }
    }

    public var orderSettings: [String: String] {
        ["sampler": "WeightedRandomSampler", "count": "\(count)", "weights": settingsDigest(weights.map(\.bitPattern)),
         "replacement": "\(replacement)", "seed": "\(seed)"]
    }

    /// - Complexity: O(`count` log `weights.count`) with replacement, O(`weights.count` log
    ///   `weights.count`) without.
    public func indices(epoch: Int) -> [Int] {
        var random = SeededGenerator(seed: seed, epoch: epoch)
        guard replacement else { return drawWithoutReplacement(&random) }
        let total = cumulative.last ?? 0
        return (0..<count).map { _ in
            let target = random.unitDouble() * total
            return firstIndex(exceeding: target)
        }
    }

    /// The first index whose cumulative weight exceeds `target`: binary search, skipping zero weights.
    private func firstIndex(exceeding target: Double) -> Int {
        var low = 0, high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > target { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// Efraimidis–Spirakis: keep the `count` largest keys `u^(1/w)`, in decreasing key order,
    /// which draws successively without replacement in proportion to the remaining weights.
    private func drawWithoutReplacement(_ random: inout SeededGenerator) -> [Int] {
        var keyed: [(key: Double, index: Int)] = []
        keyed.reserveCapacity(weights.count)
        for (index, weight) in weights.enumerated() where weight > 0 {
            // log(u) / w orders like u^(1/w) without underflowing for tiny weights.
            let u = max(random.unitDouble(), .leastNonzeroMagnitude)
            keyed.append((key: log(u) / weight, index: index))
        }
        keyed.sort { $0.key > $1.key || ($0.key == $1.key && $0.index < $1.index) }
        return keyed.prefix(count).map(\.index)
    }
}
