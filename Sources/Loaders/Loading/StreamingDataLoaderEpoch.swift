/// One epoch of a `StreamingDataLoader`, iterated asynchronously or synchronously.
public struct StreamingDataLoaderEpoch<Source: StreamingDataset>: AsyncSequence, Sendable where Source.Element: Collatable {
    public typealias Element = Source.Element.Collated
    public typealias Failure = any Error

    let loader: StreamingDataLoader<Source>
    /// The epoch number the shard order and shuffle buffers derive from.
    public let number: Int

    public func makeAsyncIterator() -> StreamingDataLoaderAsyncIterator<Source> {
        StreamingDataLoaderAsyncIterator(run: StreamingEpochRun(loader: loader, epoch: number))
    }

    public func makeIterator() -> StreamingDataLoaderIterator<Source> {
        StreamingDataLoaderIterator(run: StreamingEpochRun(loader: loader, epoch: number))
    }
}
