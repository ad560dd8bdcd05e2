/// Loads a streaming dataset in mini-batches, reading its shards on worker threads, reproducibly.
///
/// An epoch visits the shards in an order shuffled by `(seed, epoch)` (unless `shuffleShards` is
/// false), passes each shard's samples through a shuffle buffer of `shuffleBuffer` samples seeded by
/// `(seed, epoch, shard)`, concatenates the shards in that order and batches the result. Workers
/// each read one shard at a time, holding at most `prefetch` batches' worth of samples ahead,
/// so memory stays bounded and a seed gives the same batches whatever the worker count.
///
/// `state` is the position after the latest batch delivered: the epoch, and the shard in progress
/// with how many of its samples were delivered. `restore(_:)` continues from it exactly, with any
/// worker count, reading only the current shard again up to that position.
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
public final class StreamingDataLoader<Source: StreamingDataset>: BatchLoader
where Source.Element: Collatable {
    public typealias Element = Source.Element.Collated
    public typealias Failure = any Error
    public typealias Iterator = LoaderIterator<Element>
    public typealias AsyncIterator = LoaderAsyncIterator<Element>

    public let dataset: Source
    public let batchSize: Int
    public let dropLast: Bool
    /// Samples held per shard for shuffling; 0 or 1 keeps each shard's order.
    public let shuffleBuffer: Int
    /// Whether each epoch visits the shards in a shuffled order.
    public let shuffleShards: Bool
    /// Worker threads; 0 reads on the consumer's thread.
    public let workers: Int
    /// The number of batches' worth of samples each worker may hold ahead of the consumer.
    public let prefetch: Int
    public let seed: UInt64
    /// How long the consumer waits for the next batch before the epoch ends with `.timedOut`;
    /// `nil` waits as long as it takes. Applies only with workers.
    public let timeout: Duration?
    let progress = LoaderProgress()

    /// - Parameters:
    ///   - dataset: the samples, read front to back shard by shard.
    ///   - batchSize: samples per batch.
    ///   - dropLast: drop a final batch smaller than `batchSize`.
    ///   - shuffleBuffer: samples held per shard for shuffling; 0 keeps each shard's order.
    ///   - shuffleShards: visit the shards in a `(seed, epoch)` order instead of `0..<shardCount`.
    ///   - workers: worker threads; 0 reads on the consumer's thread.
    ///   - prefetch: batches' worth of samples each worker may prepare ahead.
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
    public var statistics: LoaderStatistics { progress.recorder.snapshot }

    /// Everything the order of batches depends on, which a `LoaderState` records.
    public var settings: [String: String] {
        ["loader": "StreamingDataLoader", "shards": "\(dataset.shardCount)", "batch size": "\(batchSize)",
         "drop last": "\(dropLast)", "shuffle buffer": "\(shuffleBuffer)", "shuffle shards": "\(shuffleShards)",
         "seed": "\(seed)"]
    }

    /// The position after the latest batch delivered (in whichever epoch was read last), or after
    /// `restore(_:)`; before any, the start of the next epoch. Read it between batches.
    public var state: LoaderState {
        progress.state(settings: settings, streaming: true)
    }

    /// Makes the next pass over the loader continue from `state`: the rest of its epoch, then the
    /// epochs after it. The shard in progress is read again up to the state's position.
    /// - Throws: `LoaderError` `.mismatch` when the state belongs to a loader with other settings
    ///   (naming each that differs), `.malformed` for a shard past the dataset's,
    ///   `.unsupported` for a newer state version.
    public func restore(_ state: LoaderState) throws {
        try state.check(against: settings, streaming: true)
        guard let shard = state.shard, shard.order < dataset.shardCount else {
            throw LoaderError(.malformed, "the loader state is at shard order \(state.shard?.order ?? -1), "
                + "and the dataset has \(dataset.shardCount) shards")
        }
        progress.restore(state)
    }

    /// The order in which epoch `epoch` visits the shards.
    public func shardOrder(epoch: Int) -> [Int] {
        guard shuffleShards else { return Array(0..<dataset.shardCount) }
        var random = SeededGenerator(seed: seed, epoch: epoch)
        return random.permutation(of: dataset.shardCount)
    }

    /// Epoch `n` (counted from 1, as `Trainer` numbers them), to iterate once.
    /// - Precondition: `n >= 1`.
    public func epoch(_ n: Int) -> LoaderEpoch<Element> {
        require(n >= 1, "epochs count from 1, got epoch \(n)")
        return epoch(from: .start(of: n, settings: settings, streaming: true))
    }

    /// Starts the next epoch (or the rest of a restored one), consumed asynchronously.
    public func makeAsyncIterator() -> LoaderAsyncIterator<Element> {
        epoch(from: progress.takeNextStart(settings: settings, streaming: true)).makeAsyncIterator()
    }

    /// Starts the next epoch (or the rest of a restored one), consumed synchronously with `try iterator.next()`.
    public func makeIterator() -> LoaderIterator<Element> {
        epoch(from: progress.takeNextStart(settings: settings, streaming: true)).makeIterator()
    }

    private func epoch(from start: LoaderState) -> LoaderEpoch<Element> {
        LoaderEpoch(number: start.epoch) { [self] in
            EpochRun(plan: ShardPlan(loader: self, shards: shardOrder(epoch: start.epoch), start: start),
                     workers: workers, prefetch: prefetch, timeout: timeout, progress: progress)
        }
    }

    /// The reader of `shard` in `epoch`, with its own shuffle-buffer generator.
    func openShard(_ shard: Int, epoch: Int) throws -> ShardReader<Source.Stream> {
        // Derive a distinct stream per (epoch, shard) from the seed: epoch in the high half (the
        // first epoch as 0).
        let stream = UInt64(truncatingIfNeeded: epoch &- 1) << 32 ^ UInt64(truncatingIfNeeded: shard) ^ 0x5348_4152_0000_0000
        return ShardReader(
            try dataset.stream(shard: shard, epoch: epoch), shuffleBuffer: shuffleBuffer,
            random: SeededGenerator(seed: seed, stream: stream))
    }
}
