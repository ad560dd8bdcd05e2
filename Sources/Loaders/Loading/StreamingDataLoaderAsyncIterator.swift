/// Reads one epoch of a `StreamingDataLoader` asynchronously, never blocking the cooperative pool.
/// Dropping it stops and joins the workers.
public struct StreamingDataLoaderAsyncIterator<Source: StreamingDataset>: AsyncIteratorProtocol where Source.Element: Collatable {
    private let run: StreamingEpochRun<Source>

    init(run: StreamingEpochRun<Source>) {
        self.run = run
    }

    /// The next batch, or `nil` after the last.
    /// - Throws: the first read error, after every batch of samples read before it, or
    ///   `CancellationError` when the task is cancelled; the epoch then ends.
    public mutating func next() async throws -> Source.Element.Collated? {
        try await run.next(isolation: nil)
    }

    public mutating func next(isolation actor: isolated (any Actor)?) async throws -> Source.Element.Collated? {
        try await run.next(isolation: actor)
    }
}
