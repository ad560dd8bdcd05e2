/// Reads one epoch of a `StreamingDataLoader` asynchronously, never blocking the cooperative pool.
/// Dropping it or cancelling the task stops the workers without waiting for a shard being read.
public struct StreamingDataLoaderAsyncIterator<Source: StreamingDataset>: AsyncIteratorProtocol where Source.Element: Collatable {
    private let run: StreamingEpochRun<Source>

    init(run: StreamingEpochRun<Source>) {
        self.run = run
    }

    /// The next batch, or `nil` after the last.
    /// - Throws: the first read error, after every batch of samples read before it; `.timedOut`
    ///   when the loader's timeout passed waiting for this batch; or `CancellationError` when the
    ///   task is cancelled. The epoch then ends.
    public mutating func next() async throws -> Source.Element.Collated? {
        try await run.next(isolation: nil)
    }

    public mutating func next(isolation actor: isolated (any Actor)?) async throws -> Source.Element.Collated? {
        try await run.next(isolation: actor)
    }
}
