/// Reads one epoch of a `DataLoader` asynchronously: waiting for a batch suspends the task and
/// never blocks a thread of Swift's cooperative pool.
///
/// Dropping the iterator (as `break` does) or cancelling the task stops the epoch's workers
/// without waiting for a batch being read.
public struct DataLoaderAsyncIterator<Source: Dataset>: AsyncIteratorProtocol where Source.Element: Collatable {
    private let run: EpochRun<Source>

    init(run: EpochRun<Source>) {
        self.run = run
    }

    /// The next batch, or `nil` after the last.
    /// - Throws: the `LoaderError` of the first batch that failed, once every earlier batch was
    ///   returned; `.timedOut` when the loader's timeout passed waiting for this batch; or
    ///   `CancellationError` when the task is cancelled. The epoch then ends.
    public mutating func next() async throws -> Source.Element.Collated? {
        try await run.next(isolation: nil)
    }

    public mutating func next(isolation actor: isolated (any Actor)?) async throws -> Source.Element.Collated? {
        try await run.next(isolation: actor)
    }
}
