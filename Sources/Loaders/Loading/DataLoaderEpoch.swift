/// One epoch of a `DataLoader`, iterated asynchronously (`for try await`) or synchronously
/// (`makeIterator()`); each iteration reads the epoch afresh, in the same order.
///
/// ```swift
/// for try await batch in loader.epoch(3) { … }   // the batches of epoch 3, whatever ran before
/// ```
public struct DataLoaderEpoch<Source: Dataset>: AsyncSequence, Sendable where Source.Element: Collatable {
    public typealias Element = Source.Element.Collated
    public typealias Failure = any Error

    let loader: DataLoader<Source>
    /// The epoch number passed to the batch sampler.
    public let number: Int

    /// Starts reading the epoch for asynchronous consumption.
    public func makeAsyncIterator() -> DataLoaderAsyncIterator<Source> {
        DataLoaderAsyncIterator(run: makeRun())
    }

    /// Starts reading the epoch for synchronous consumption.
    public func makeIterator() -> DataLoaderIterator<Source> {
        DataLoaderIterator(run: makeRun())
    }

    /// The epoch's run; when its order would not fit in memory, a run whose first `next` says so.
    private func makeRun() -> EpochRun<Source> {
        let fetcher = BatchFetcher(dataset: loader.dataset)
        do {
            try MemoryLimit.check(
                loader.batchSampler.orderBytes, for: "the order of epoch \(number) (\(loader.count) batches)",
                path: loader.dataset.origin)
        } catch {
            return EpochRun(failingWith: error, fetcher: fetcher, recorder: loader.recorder)
        }
        return EpochRun(
            batches: loader.batchSampler.batches(epoch: number), fetcher: fetcher,
            workers: loader.workers, prefetch: loader.prefetch, timeout: loader.timeout,
            recorder: loader.recorder)
    }
}
