extension Dataset {
    /// This dataset with `transform` applied to every sample as it is read.
    ///
    /// ```swift
    /// let flat = mnist.map { Example(features: $0.features.reshaped(to: [784]), label: $0.label) }
    /// ```
    public func map<T: Sendable>(_ transform: @escaping @Sendable (Element) throws -> T) -> MappedDataset<Self, T> {
        MappedDataset(self, transform: transform)
    }

    /// The samples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> SubsetDataset<Self> {
        SubsetDataset(self, indices: indices)
    }

    /// This dataset's samples followed by `other`'s.
    public func concatenated<Other: Dataset>(with other: Other) -> ConcatenatedDataset<Element> where Other.Element == Element {
        ConcatenatedDataset([self, other])
    }

    /// Splits the dataset into non-overlapping random subsets of the given sizes, like PyTorch's
    /// `random_split`: a `seed`-determined permutation is cut into consecutive pieces.
    ///
    /// ```swift
    /// let parts = mnist.randomSplit(counts: [50_000, 10_000], seed: 42)
    /// ```
    /// - Precondition: counts are non-negative and sum to `count`.
    public func randomSplit(counts: [Int], seed: UInt64) -> [SubsetDataset<Self>] {
        require(counts.allSatisfy { $0 >= 0 }, "randomSplit counts must not be negative: \(counts)")
        require(counts.reduce(0, +) == count, "randomSplit counts \(counts) do not sum to the dataset's \(count)")
        var random = SeededGenerator(seed: seed)
        let permutation = random.permutation(of: count)
        var start = 0
        return counts.map { length in
            defer { start += length }
            return SubsetDataset(self, indices: Array(permutation[start..<start + length]))
        }
    }

    /// Splits the dataset by fractions, as PyTorch's `random_split` does: each part gets
    /// `⌊count × fraction⌋` samples, then the remainder is dealt out one by one from the first part.
    ///
    /// ```swift
    /// let parts = mnist.randomSplit(fractions: [0.8, 0.2], seed: 42)
    /// ```
    /// - Precondition: fractions are in `0...1` and sum to 1 (within 1e-9).
    public func randomSplit(fractions: [Double], seed: UInt64) -> [SubsetDataset<Self>] {
        require(fractions.allSatisfy { (0...1).contains($0) }, "randomSplit fractions must lie in 0...1: \(fractions)")
        require(abs(fractions.reduce(0, +) - 1) < 1e-9, "randomSplit fractions \(fractions) do not sum to 1")
        var counts = fractions.map { Int((Double(count) * $0).rounded(.down)) }
        let remainder = count - counts.reduce(0, +)
        for i in 0..<remainder { counts[i % counts.count] += 1 }
        return randomSplit(counts: counts, seed: seed)
    }
}

extension Dataset where Element == Example {
    /// This dataset with every feature standardised as `(x - mean) / std`.
    ///
    /// ```swift
    /// let standardised = mnist.normalized(mean: 0.1307, std: 0.3081)
    /// ```
    /// - Precondition: `std > 0`.
    public func normalized(mean: Float, std: Float) -> NormalizedDataset<Self> {
        NormalizedDataset(self, mean: [mean], std: [std])
    }

    /// This dataset with channel `k` of every sample standardised as `(x - mean[k]) / std[k]`.
    /// - Precondition: equal non-zero counts, positive stds.
    public func normalized(mean: [Float], std: [Float]) -> NormalizedDataset<Self> {
        NormalizedDataset(self, mean: mean, std: std)
    }
}
