/// What `DataLoader` and `StreamingDataLoader` have in common: epochs of batches, read
/// asynchronously or synchronously, and a position that can be saved and restored.
///
/// Write code against it to take either loader, e.g. a training loop that checkpoints:
///
/// ```swift
/// func train(_ loader: some BatchLoader<Batch>, saving: (LoaderState) throws -> Void) async throws {
///     for try await batch in loader {
///         step(batch)
///         try saving(loader.state)
///     }
/// }
/// ```
public protocol BatchLoader<Element>: AsyncSequence, Sendable where AsyncIterator == LoaderAsyncIterator<Element> {
    /// What the loader has done so far, over all epochs.
    var statistics: LoaderStatistics { get }
    /// Everything the order of batches depends on, which a `LoaderState` records.
    var settings: [String: String] { get }
    /// The position after the latest batch delivered, or after `restore(_:)`; before any, the
    /// start of the next epoch.
    var state: LoaderState { get }

    /// Makes the next pass over the loader continue from `state`.
    func restore(_ state: LoaderState) throws
    /// Epoch `n`, counted from 1, to iterate once.
    func epoch(_ n: Int) -> LoaderEpoch<Element>
    /// Starts the next epoch, consumed synchronously.
    func makeIterator() -> LoaderIterator<Element>
}
