import Synchronization

/// Loads a streaming dataset in mini-batches, reading its shards on worker threads, reproducibly.
///
/// An epoch visits the shards in an order shuffled by `(seed, epoch)` (unless `shuffleShards` is
/// false), passes each shard's samples through a shuffle buffer of `shuffleBuffer` samples seeded by
/// `(seed, epoch, shard)`, concatenates the shards in that order and batches the result. Workers
/// each read one shard at a time, holding at most `prefetch` chunks of `batchSize` samples ahead,
/// so memory stays bounded and a seed gives the same batches whatever the worker count.
///
/// Ending an epoch early (`break`, dropping the iterator, cancelling the task, an error, a
/// timeout) stops the workers and returns at once: a worker inside a shard's stream cannot be
/// interrupted, so it is detached and exits when that call returns, delivering nothing. With a
/// `timeout`, a consumer that has waited that long for the next batch gets a `LoaderError`
/// `.timedOut` naming the batch, the shard it waits for and the worker reading it; the stuck
/// thread lives on until its read returns. With `workers: 0` nothing can interrupt the
/// consumer's own read, so the timeout is not applied.
///
/// ```swift
/// let loader = StreamingDataLoader(csv, batchSize: 32, shuffleBuffer: 1_000, workers: 2, seed: 7)
/// for try await batch in loader { … }   // one pass = one epoch; the next reshuffles
/// ```
public final class StreamingDataLoader<Source: StreamingDataset>: AsyncSequence, Sendable
where Source.Element: Collatable {
    public typealias Element = Source.Element.Collated
    public typealias Failure = any Error
    public typealias Iterator = StreamingDataLoaderIterator<Source>
    public typealias AsyncIterator = StreamingDataLoaderAsyncIterator<Source>

    public let dataset: Source
    public let batchSize: Int
    public let dropLast: Bool
    /// Samples held per shard for shuffling; 0 or 1 keeps each shard's order.
    public let shuffleBuffer: Int
    /// Whether each epoch visits the shards in a shuffled order.
    public let shuffleShards: Bool
    /// Worker threads; 0 reads on the consumer's thread.
    public let workers: Int
    /// Chunks of `batchSize` samples each worker may hold ahead of the consumer.
    public let prefetch: Int
    public let seed: UInt64
    /// How long the consumer waits for the next batch before the epoch ends with `.timedOut`;
    /// `nil` waits as long as it takes. Applies only with workers.
    public let timeout: Duration?
    private let nextEpoch = Atomic<Int>(1)
    let recorder = StatisticsRecorder()

    /// - Parameters:
    ///   - dataset: the samples, read front to back shard by shard.
    ///   - batchSize: samples per batch.
    ///   - dropLast: drop a final batch smaller than `batchSize`.
    ///   - shuffleBuffer: samples held per shard for shuffling; 0 keeps each shard's order.
    ///   - shuffleShards: visit the shards in a `(seed, epoch)` order instead of `0..<shardCount`.
    ///   - workers: worker threads; 0 reads on the consumer's thread.
    ///   - prefetch: chunks of `batchSize` samples each worker may prepare ahead.
    ///   - seed: the seed of shard orders and shuffle buffers.
    ///   - timeout: how long to wait for any one batch before ending the epoch with `.timedOut`;
    ///     `nil` (the default) waits forever and costs nothing. Ignored with `workers: 0`.
    /// - Precondition: `batchSize >= 1`, `shuffleBuffer >= 0`, `0 <= workers <= LoaderLimits.maximumWorkers`,
    ///   `prefetch >= 1`, `timeout > .zero`.
    public init(
        _ dataset: Source, batchSize: Int = 1, dropLast: Bool = false, shuffleBuffer: Int = 0,
        shuffleShards: Bool = true, workers: Int = 0, prefetch: Int = 2, seed: UInt64 = 0, timeout: Duration? = nil
    ) {
        require(batchSize >= 1, "StreamingDataLoader batchSize must be at least 1, got \(batchSize)")
        require(shuffleBuffer >= 0, "StreamingDataLoader shuffleBuffer must not be negative, got \(shuffleBuffer)")
        LoaderLimits.require(workers: workers, prefetch: prefetch, timeout: timeout, loader: "StreamingDataLoader")
        self.dataset = dataset
        self.batchSize = batchSize
        self.dropLast = dropLast
        self.shuffleBuffer = shuffleBuffer
        self.shuffleShards = shuffleShards
        self.workers = workers
        self.prefetch = prefetch
        self.seed = seed
        self.timeout = timeout
    }

    /// What the loader has done so far, over all epochs.
    public var statistics: LoaderStatistics { recorder.snapshot }

    /// The order in which epoch `epoch` visits the shards.
    public func shardOrder(epoch: Int) -> [Int] {
        guard shuffleShards else { return Array(0..<dataset.shardCount) }
        var random = SeededGenerator(seed: seed, epoch: epoch)
        return random.permutation(of: dataset.shardCount)
    }

    /// Epoch `n` (counted from 1, as `Trainer` numbers them), to iterate once.
    /// - Precondition: `n >= 1`.
    public func epoch(_ n: Int) -> StreamingDataLoaderEpoch<Source> {
        require(n >= 1, "epochs count from 1, got epoch \(n)")
        return StreamingDataLoaderEpoch(loader: self, number: n)
    }

    /// Starts the next epoch, consumed asynchronously.
    public func makeAsyncIterator() -> StreamingDataLoaderAsyncIterator<Source> {
        epoch(takeEpochNumber()).makeAsyncIterator()
    }

    /// Starts the next epoch, consumed synchronously with `try iterator.next()`.
    public func makeIterator() -> StreamingDataLoaderIterator<Source> {
        epoch(takeEpochNumber()).makeIterator()
    }

    private func takeEpochNumber() -> Int {
        nextEpoch.wrappingAdd(1, ordering: .relaxed).oldValue
    }

    /// The reader of `shard` in `epoch`, with its own shuffle-buffer generator.
    func openShard(_ shard: Int, epoch: Int) throws -> ShardReader<Source.Stream> {
        // Derive a distinct stream per (epoch, shard) from the seed: epoch in the high half (the
        // first epoch as 0).
        let stream = UInt64(truncatingIfNeeded: epoch &- 1) << 32 ^ UInt64(truncatingIfNeeded: shard) ^ 0x5348_4152_0000_0000
        return ShardReader(
            try dataset.stream(shard: shard), shuffleBuffer: shuffleBuffer,
            random: SeededGenerator(seed: seed, stream: stream))
    }
}
