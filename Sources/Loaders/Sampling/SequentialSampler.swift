/// Visits `0..<count` in order, every epoch.
///
/// ```swift
/// SequentialSampler(count: 4).indices(epoch: 1)   // [0, 1, 2, 3]
/// ```
public struct SequentialSampler: Sampler {
    public let count: Int

    /// - Parameter count: the dataset's sample count.
    /// - Precondition: `count >= 0`.
    public init(count: Int) {
        require(count >= 0, "SequentialSampler count must not be negative, got \(count)")
        self.count = count
    }

    /// - Complexity: O(`count`).
    public func indices(epoch: Int) -> [Int] {
        Array(0..<count)
    }
}
