/// Reads one epoch of a `DataLoader` synchronously, blocking the calling thread while batches load.
///
/// ```swift
/// var batches = loader.makeIterator()
/// while let batch = try batches.next() { train(batch) }
/// ```
/// Dropping the iterator stops the epoch's workers without waiting for a batch being read.
public struct DataLoaderIterator<Source: Dataset> where Source.Element: Collatable {
    private let run: EpochRun<Source>

    init(run: EpochRun<Source>) {
        self.run = run
    }

    /// The next batch, or `nil` after the last.
    /// - Throws: the `LoaderError` of the first batch that failed, once every earlier batch was
    ///   returned, or `.timedOut` when the loader's timeout passed waiting for this batch; the
    ///   epoch then ends.
    public mutating func next() throws -> Source.Element.Collated? {
        try run.next()
    }
}
