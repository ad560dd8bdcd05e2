/// Reads one epoch of a `StreamingDataLoader` synchronously. Dropping it stops the workers
/// without waiting for a shard being read.
public struct StreamingDataLoaderIterator<Source: StreamingDataset> where Source.Element: Collatable {
    private let run: StreamingEpochRun<Source>

    init(run: StreamingEpochRun<Source>) {
        self.run = run
    }

    /// The next batch, or `nil` after the last.
    /// - Throws: the first read error, after every batch of samples read before it, or `.timedOut`
    ///   when the loader's timeout passed waiting for this batch; the epoch then ends.
    public mutating func next() throws -> Source.Element.Collated? {
        try run.next()
    }
}
