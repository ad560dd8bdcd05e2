/// One rank's part of every global batch in data-parallel training, so that `worldSize` ranks with
/// batches of `batchSize` see exactly what one process with batches of `worldSize · batchSize` sees.
///
/// The epoch's global batches are those of `BatchSampler(base, batchSize: worldSize · batchSize,
/// dropLast:)`, drawn from the same `(seed, epoch)` order on every rank; rank `r`'s batch `i` is
/// the slice `[r · batchSize, (r + 1) · batchSize)` of global batch `i`. A last global batch of
/// `m < worldSize · batchSize` indices is split as evenly as possible: each rank takes `m / worldSize`
/// in rank order, and the first `m % worldSize` ranks one more (so with `m < worldSize` the later
/// ranks get an empty batch; `dropLast` avoids the partial batch altogether). Every rank has
/// `count` batches, and the ranks' batches are disjoint and together cover the global order.
///
/// Unlike `DistributedSampler` (PyTorch's strided shards, padded to a multiple of `worldSize`),
/// nothing is repeated, and averaging the ranks' gradients weighted by their batch sizes gives
/// the single-process gradient of each global batch.
///
/// ```swift
/// let process = ProcessRank(rank: 1, worldSize: 2)
/// let batches = DistributedBatchSampler(SequentialSampler(count: 10), batchSize: 2, dropLast: false, process: process)
/// batches.batches(epoch: 1)   // [[2, 3], [6, 7], [9]]: global batches [0..<4], [4..<8], [8, 9]
/// ```
public struct DistributedBatchSampler<Base: Sampler>: BatchSampling {
    /// The batches every rank draws the same way; this rank takes its slice of each.
    public let global: BatchSampler<Base>
    public let process: ProcessRank
    /// Indices per rank in every full global batch.
    public let batchSize: Int

    /// - Parameters:
    ///   - base: the order of the whole dataset, the same on every rank (same type and seed).
    ///   - batchSize: indices per rank; a global batch holds `process.worldSize` times as many.
    ///   - dropLast: discard a last global batch smaller than `process.worldSize · batchSize`.
    ///   - process: this process's rank and the world size.
    /// - Precondition: `batchSize >= 1`, and `process.worldSize · batchSize` representable.
    public init(_ base: Base, batchSize: Int, dropLast: Bool, process: ProcessRank) {
        require(batchSize >= 1, "DistributedBatchSampler batchSize must be at least 1, got \(batchSize)")
        let (globalSize, overflow) = batchSize.multipliedReportingOverflow(by: process.worldSize)
        require(!overflow, "DistributedBatchSampler batchSize \(batchSize) times worldSize \(process.worldSize) overflows")
        self.global = BatchSampler(base, batchSize: globalSize, dropLast: dropLast)
        self.process = process
        self.batchSize = batchSize
    }

    /// The number of global batches, the same on every rank.
    public var count: Int { global.count }

    /// The whole epoch's order, which every rank forms before taking its slices.
    public var orderBytes: Int? { global.orderBytes }

    /// - Complexity: O(`base.count`): every rank forms the whole epoch's order.
    public func batches(epoch: Int) -> [[Int]] {
        batches(epoch: epoch, startingAt: 0)
    }

    /// - Complexity: O(`base.count`), and the slices from `start` on.
    public func batches(epoch: Int, startingAt start: Int) -> [[Int]] {
        global.batches(epoch: epoch, startingAt: start).map { batch in
            Array(batch[Self.share(of: batch.count, rank: process.rank, worldSize: process.worldSize)])
        }
    }

    public var orderSettings: [String: String] {
        global.orderSettings.merging([
            "batch sampler": "DistributedBatchSampler", "global batch size": "\(global.batchSize)", "batch size": "\(batchSize)",
            "rank": "\(process.rank)", "world size": "\(process.worldSize)",
        ]) { $1 }
    }

    /// The positions rank `rank` takes of a global batch of `count` indices: equal consecutive
    /// parts in rank order, the first `count % worldSize` ranks one index longer.
    public static func share(of count: Int, rank: Int, worldSize: Int) -> Range<Int> {
        let (part, extra) = count.quotientAndRemainder(dividingBy: worldSize)
        let start = rank * part + min(rank, extra)
        return start..<(start + part + (rank < extra ? 1 : 0))
    }
}
