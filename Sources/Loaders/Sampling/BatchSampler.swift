/// Groups a sampler's indices into mini-batches, like PyTorch's `BatchSampler`.
///
/// Every batch holds `batchSize` indices except possibly the last, which holds the remainder unless
/// `dropLast` discards it: `count` is `⌈n / batchSize⌉`, or `⌊n / batchSize⌋` with `dropLast`.
///
/// ```swift
/// let batches = BatchSampler(SequentialSampler(count: 5), batchSize: 2, dropLast: false)
/// batches.batches(epoch: 1)   // [[0, 1], [2, 3], [4]]
/// ```
public struct BatchSampler<Base: Sampler>: BatchSampling {
    public let base: Base
    public let batchSize: Int
    public let dropLast: Bool

    /// - Parameters:
    ///   - base: the sampler whose indices are grouped, in its order.
    ///   - batchSize: the number of indices per batch.
    ///   - dropLast: discard a final batch smaller than `batchSize`.
    /// - Precondition: `batchSize >= 1`.
    public init(_ base: Base, batchSize: Int, dropLast: Bool) {
        require(batchSize >= 1, "BatchSampler batchSize must be at least 1, got \(batchSize)")
        self.base = base
        self.batchSize = batchSize
        self.dropLast = dropLast
    }

    public var count: Int {
        // Not `(n + batchSize - 1) / batchSize`: that overflows for a batch size near `Int.max`.
        let (full, remainder) = base.count.quotientAndRemainder(dividingBy: batchSize)
        return dropLast || remainder == 0 ? full : full + 1
    }

    /// The base sampler's indices, and as many again split into `count` arrays.
    public var orderBytes: Int? {
        MemoryLimit.sum([
            MemoryLimit.product([base.count, 2 * MemoryLayout<Int>.stride]), MemoryLimit.product([count, arrayHeaderBytes]),
        ])
    }

    /// - Complexity: O(`base.count`).
    public func batches(epoch: Int) -> [[Int]] {
        batches(epoch: epoch, startingAt: 0)
    }

    /// - Complexity: O(`base.count`) to draw the epoch's order, and the batches from `start` on.
    public func batches(epoch: Int, startingAt start: Int) -> [[Int]] {
        let indices = base.indices(epoch: epoch)
        return (min(start, count)..<count).map { batch in
            let first = batch * batchSize
            return Array(indices[first..<min(first + batchSize, indices.count)])
        }
    }

    public var orderSettings: [String: String] {
        base.orderSettings.merging(["batch sampler": "BatchSampler", "batch size": "\(batchSize)", "drop last": "\(dropLast)"]) { $1 }
    }
}
