/// One epoch of a `DataLoader` or `StreamingDataLoader`, iterated asynchronously (`for try await`)
/// or synchronously (`makeIterator()`); each iteration reads the epoch afresh, in the same order.
///
/// ```swift
/// for try await batch in loader.epoch(3) { … }   // the batches of epoch 3, whatever ran before
/// ```
public struct LoaderEpoch<Element>: AsyncSequence, Sendable {
    public typealias Failure = any Error

    /// The epoch number the order derives from, counted from 1.
    public let number: Int
    private let makeRun: @Sendable () -> any EpochReading<Element>

    init(number: Int, makeRun: @escaping @Sendable () -> any EpochReading<Element>) {
        self.number = number
        self.makeRun = makeRun
    }

    /// Starts reading the epoch for asynchronous consumption.
    public func makeAsyncIterator() -> LoaderAsyncIterator<Element> {
        LoaderAsyncIterator(run: makeRun())
    }

    /// Starts reading the epoch for synchronous consumption.
    public func makeIterator() -> LoaderIterator<Element> {
        LoaderIterator(run: makeRun())
    }
}

/// Reads one epoch synchronously, blocking the calling thread while batches load.
///
/// ```swift
/// var batches = loader.makeIterator()
/// while let batch = try batches.next() { train(batch) }
/// ```
/// Dropping the iterator stops the epoch's workers without waiting for a batch being read.
public struct LoaderIterator<Element> {
    private let run: any EpochReading<Element>

    init(run: any EpochReading<Element>) {
        self.run = run
    }

    /// The next batch, or `nil` after the last.
    /// - Throws: the `LoaderError` of the first batch that failed, once every earlier batch was
    ///   returned, or `.timedOut` when the loader's timeout passed waiting for this batch; the
    ///   epoch then ends.
    public mutating func next() throws -> Element? {
        try run.next()
    }

    /// The position after the batches returned so far, to resume from with the loader's `restore(_:)`.
    public var state: LoaderState { run.state }
}

/// Reads one epoch asynchronously: waiting for a batch suspends the task and never blocks a
/// thread of Swift's cooperative pool.
///
/// Dropping the iterator (as `break` does) or cancelling the task stops the epoch's workers
/// without waiting for a batch being read.
public struct LoaderAsyncIterator<Element>: AsyncIteratorProtocol {
    private let run: any EpochReading<Element>

    init(run: any EpochReading<Element>) {
        self.run = run
    }

    /// The next batch, or `nil` after the last.
    /// - Throws: the `LoaderError` of the first batch that failed, once every earlier batch was
    ///   returned; `.timedOut` when the loader's timeout passed waiting for this batch; or
    ///   `CancellationError` when the task is cancelled. The epoch then ends.
    public mutating func next() async throws -> Element? {
        try await run.next(isolation: nil)
    }

    public mutating func next(isolation actor: isolated (any Actor)?) async throws -> Element? {
        try await run.next(isolation: actor)
    }

    /// The position after the batches returned so far, to resume from with the loader's `restore(_:)`.
    public var state: LoaderState { run.state }
}
