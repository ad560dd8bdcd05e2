/// Loads a dataset in mini-batches, in parallel, in a reproducible order, like PyTorch's `DataLoader`.
///
/// The batch sampler decides each epoch's batches from `(seed, epoch)` alone; `workers` OS threads
/// read and collate them, at most `prefetch` batches per worker ahead of the consumer, and batches
/// arrive in order. So a seed gives the same batches whatever the worker count. With `workers: 0`
/// batches are read on the consumer's thread.
///
/// Iterating the loader runs the next epoch each time (the first pass is epoch 1, the next
/// reshuffles); `epoch(_:)` runs a chosen one. Epochs count from 1, as `Trainer` numbers them. An
/// error reading a sample ends the epoch at that batch's position, after every earlier batch,
/// naming the worker, the batch and the sample.
///
/// `state` is the position after the latest batch delivered, a small `Codable` value;
/// `restore(_:)` makes the next pass continue from such a state, exactly as the interrupted run
/// would have, with any worker count: no earlier batch is read again.
///
/// Ending an epoch early (`break`, dropping the iterator, cancelling the task, an error, a
/// timeout) stops the workers and returns at once, without waiting for a batch being read: a
/// worker inside `samples(at:)` cannot be interrupted, so it is detached and exits when that call
/// returns, delivering nothing. Idle workers are joined before the iterator returns.
///
/// With a `timeout`, a consumer that has waited that long for the next batch gets a
/// `LoaderError` `.timedOut` naming the batch and the worker reading it, and the epoch ends. The
/// stuck thread cannot be killed: it stays alive (holding its share of memory) until its read
/// returns. With `workers: 0` the consumer's thread does the reading itself and nothing can
/// interrupt it, so the timeout is not applied.
///
/// ```swift
/// let loader = DataLoader(train, batchSize: 64, shuffle: true, workers: 2, seed: 42)
/// for try await batch in loader {          // epoch 1
///     batch.features.shape                 // [64, 1, 28, 28]
/// }
/// var batches = loader.makeIterator()      // epoch 2, consumed synchronously
/// while let batch = try batches.next() { _ = batch }
///
/// // A read stuck for a minute ends the epoch with LoaderError .timedOut instead of hanging.
/// let guarded = DataLoader(train, batchSize: 64, workers: 2, timeout: .seconds(60))
/// ```
public final class DataLoader<Source: Dataset>: BatchLoader where Source.Element: Collatable {
    public typealias Element = Source.Element.Collated
    public typealias Failure = any Error
    public typealias Iterator = LoaderIterator<Element>
    public typealias AsyncIterator = LoaderAsyncIterator<Element>

    /// The dataset batches are read from.
    public let dataset: Source
    /// Decides each epoch's batches of indices.
    public let batchSampler: any BatchSampling
    /// The number of worker threads; 0 reads on the consumer's thread.
    public let workers: Int
    /// The number of batches each worker may have ready or in progress ahead of the consumer.
    public let prefetch: Int
    /// How long the consumer waits for the next batch before the epoch ends with `.timedOut`;
    /// `nil` waits as long as it takes. Applies only with workers.
    public let timeout: Duration?
    let progress = LoaderProgress()

    /// A loader visiting `dataset` in order, or in a `(seed, epoch)` permutation with `shuffle`.
    /// - Parameters:
    ///   - dataset: the samples, read by position.
    ///   - batchSize: samples per batch.
    ///   - shuffle: visit a fresh permutation each epoch.
    ///   - dropLast: drop a final batch smaller than `batchSize`.
    ///   - workers: worker threads; 0 reads on the consumer's thread.
    ///   - prefetch: batches each worker may prepare ahead.
    ///   - seed: the seed of every epoch's permutation.
    ///   - timeout: how long to wait for any one batch before ending the epoch with `.timedOut`;
    ///     `nil` (the default) waits forever and costs nothing. Ignored with `workers: 0`.
    /// - Precondition: `batchSize >= 1`, `0 <= workers <= LoaderLimits.maximumWorkers`, `prefetch >= 1`,
    ///   `timeout > .zero`.
    public convenience init(
        _ dataset: Source, batchSize: Int = 1, shuffle: Bool = false, dropLast: Bool = false, workers: Int = 0,
        prefetch: Int = 2, seed: UInt64 = 0, timeout: Duration? = nil
    ) {
        if shuffle {
            self.init(dataset, sampler: RandomSampler(count: dataset.count, seed: seed), batchSize: batchSize,
                      dropLast: dropLast, workers: workers, prefetch: prefetch, timeout: timeout)
        } else {
            self.init(dataset, sampler: SequentialSampler(count: dataset.count), batchSize: batchSize,
                      dropLast: dropLast, workers: workers, prefetch: prefetch, timeout: timeout)
        }
    }

    /// A loader batching the indices `sampler` chooses.
    /// - Precondition: `batchSize >= 1`, `0 <= workers <= LoaderLimits.maximumWorkers`, `prefetch >= 1`,
    ///   `timeout > .zero`.
    public convenience init(
        _ dataset: Source, sampler: some Sampler, batchSize: Int = 1, dropLast: Bool = false, workers: Int = 0,
        prefetch: Int = 2, timeout: Duration? = nil
    ) {
        self.init(dataset, batchSampler: BatchSampler(sampler, batchSize: batchSize, dropLast: dropLast),
                  workers: workers, prefetch: prefetch, timeout: timeout)
    }

    /// A loader reading the batches `batchSampler` forms.
    /// - Precondition: `0 <= workers <= LoaderLimits.maximumWorkers`, `prefetch >= 1`, `timeout > .zero`.
    public init(
        _ dataset: Source, batchSampler: some BatchSampling, workers: Int = 0, prefetch: Int = 2, timeout: Duration? = nil
    ) {
        LoaderLimits.require(workers: workers, prefetch: prefetch, timeout: timeout, loader: "DataLoader")
        self.dataset = dataset
        self.batchSampler = batchSampler
        self.workers = workers
        self.prefetch = prefetch
        self.timeout = timeout
    }

    /// Batches per epoch.
    public var count: Int { batchSampler.count }

    /// What the loader has done so far, over all epochs.
    public var statistics: LoaderStatistics { progress.recorder.snapshot }

    /// Everything the order of batches depends on, which a `LoaderState` records.
    public var settings: [String: String] {
        batchSampler.orderSettings.merging(["loader": "DataLoader", "dataset count": "\(dataset.count)"]) { $1 }
    }

    /// The position after the latest batch delivered (in whichever epoch was read last), or after
    /// `restore(_:)`; before any, the start of the next epoch. Read it between batches.
    public var state: LoaderState {
        progress.state(settings: settings, streaming: false)
    }

    /// Makes the next pass over the loader continue from `state`: the rest of its epoch, then the
    /// epochs after it. Nothing before the state's position is read again.
    /// - Throws: `LoaderError` `.mismatch` when the state belongs to a loader with other settings
    ///   (naming each that differs), `.malformed` for a position past the epoch's end,
    ///   `.unsupported` for a newer state version.
    public func restore(_ state: LoaderState) throws {
        try state.check(against: settings, streaming: false)
        guard state.batches <= count else {
            throw LoaderError(.malformed, "the loader state is at batch \(state.batches) of an epoch of \(count) batches")
        }
        progress.restore(state)
    }

    /// Epoch `n`, to iterate once: its batches depend only on the sampler's seed and `n`.
    /// - Precondition: `n >= 1`.
    public func epoch(_ n: Int) -> LoaderEpoch<Element> {
        require(n >= 1, "epochs count from 1, got epoch \(n)")
        return epoch(from: .start(of: n, settings: settings, streaming: false))
    }

    /// Starts the next epoch (or the rest of a restored one), consumed asynchronously.
    public func makeAsyncIterator() -> LoaderAsyncIterator<Element> {
        epoch(from: progress.takeNextStart(settings: settings, streaming: false)).makeAsyncIterator()
    }

    /// Starts the next epoch (or the rest of a restored one), consumed synchronously with `try iterator.next()`.
    public func makeIterator() -> LoaderIterator<Element> {
        epoch(from: progress.takeNextStart(settings: settings, streaming: false)).makeIterator()
    }

    /// The epoch of `start`, from its position on; when the epoch's order would not fit in
    /// memory, a run whose first `next` says so.
    private func epoch(from start: LoaderState) -> LoaderEpoch<Element> {
        LoaderEpoch(number: start.epoch) { [self] in
            let fetcher = BatchFetcher(dataset: dataset)
            do throws(LoaderError) {
                try MemoryLimit.check(
                    batchSampler.orderBytes, for: "the order of epoch \(start.epoch) (\(count) batches)", path: dataset.origin)
            } catch {
                return EpochRun(plan: BatchPlan(fetcher: fetcher, batches: [], start: start), failingWith: error, progress: progress)
            }
            let plan = BatchPlan(fetcher: fetcher, batches: batchSampler.batches(epoch: start.epoch, startingAt: start.batches), start: start)
            return EpochRun(plan: plan, workers: workers, prefetch: prefetch, timeout: timeout, progress: progress)
        }
    }
}
