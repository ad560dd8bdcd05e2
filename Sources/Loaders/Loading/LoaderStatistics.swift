import Synchronization

/// What a loader has done so far, summed over all its epochs: for finding whether training waits
/// on data.
///
/// ```swift
/// for try await batch in loader { … }
/// print(loader.statistics.consumerWaitTime)   // time the training loop spent waiting for batches
/// ```
public struct LoaderStatistics: Sendable, Equatable {
    /// Batches delivered to the consumer.
    public var batches = 0
    /// Samples in the delivered batches.
    public var samples = 0
    /// Time the consumer spent waiting for the next batch to be ready.
    public var consumerWaitTime: Duration = .zero
    /// Time worker threads spent reading and collating, summed over workers.
    public var workerLoadTime: Duration = .zero
    /// The most batches (or, streaming, shards) claimed by workers and not yet delivered at once;
    /// bounded by `workers × prefetch` (or `workers`).
    public var peakJobsInFlight = 0
    /// Worker threads started and not yet finished. 0 once every iterator has ended or been
    /// dropped and the reads its workers were in, if any, have returned: an epoch that ends early
    /// does not wait for those, and their workers exit as soon as they return.
    public var liveWorkers = 0

    public init() {}
}

/// A loader's statistics, updated by its iterators and workers from any thread.
final class StatisticsRecorder: Sendable {
    private let value = Mutex(LoaderStatistics())

    var snapshot: LoaderStatistics { value.withLock { $0 } }

    func update(_ change: (inout LoaderStatistics) -> Void) {
        value.withLock { change(&$0) }
    }
}
