/// What one epoch reads, in the form `EpochRun` executes with or without worker threads.
///
/// The epoch is split into numbered jobs (one batch of indices, or one shard of a stream). A job
/// hands out its items one at a time, so the same job code runs on a worker thread and, with
/// `workers: 0`, on the consumer's thread, a piece at a time as batches are needed. The
/// assembler turns the items, taken in job order, into batches and knows the epoch's position.
protocol EpochPlan: Sendable {
    associatedtype Item: Sendable
    associatedtype Job: EpochJob<Item>
    associatedtype Assembler: BatchAssembler<Item>

    /// The jobs left in the epoch.
    var jobCount: Int { get }
    /// How many jobs may be in flight, and how many items each may hold ahead of the consumer:
    /// between them, `workers × prefetch` batches' worth of samples.
    func buffering(workers: Int, prefetch: Int) -> (jobWindow: Int, itemsPerJob: Int)
    /// Job `position`, run by `worker` (`nil` for the consumer's thread).
    func job(_ position: Int, worker: Int?) -> Job
    /// The assembler, starting at the plan's starting position.
    func makeAssembler() -> Assembler
    /// What a timeout message calls job `position`, or `nil` when the batch number says it.
    func describe(job position: Int) -> String?
}

/// One job of an epoch, handing out its items in order.
protocol EpochJob<Item> {
    associatedtype Item: Sendable
    /// The job's next item, `nil` after the last; after a failure, nothing more.
    mutating func next() -> Result<Item, LoaderError>?
}

/// Turns an epoch's items, in job order, into batches, and keeps the epoch's position.
protocol BatchAssembler<Item> {
    associatedtype Item: Sendable
    associatedtype Batch

    /// Whether another item must arrive before `nextBatch` can form a batch, unless none is left.
    var needsItem: Bool { get }
    /// The position after the batches formed so far.
    var position: LoaderState { get }
    mutating func receive(_ item: Item)
    /// The next batch, or `nil` when none is left; `itemsEnded` says no item will arrive.
    /// - Returns: the batch and its sample count.
    mutating func nextBatch(itemsEnded: Bool) throws -> (batch: Batch, samples: Int)?
}
