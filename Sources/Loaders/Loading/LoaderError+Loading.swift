extension LoaderError.Code {
    /// A sample failed to load with an error that is not a `LoaderError`; see `underlying`.
    public static let sampleFailed = Self("sampleFailed")
    /// The next batch was not ready within the loader's `timeout`: a worker is stuck or too slow.
    public static let timedOut = Self("timedOut")
    /// The system refused a resource the loader needs, such as a worker thread.
    public static let resourceExhausted = Self("resourceExhausted")
}

extension LoaderError {
    /// `error`, raised while loading, enriched with who was loading what.
    ///
    /// Keeps a `LoaderError`'s code and path so callers can still match on them; the original
    /// error, with its own location, becomes `underlying`.
    /// - Parameters:
    ///   - worker: the worker thread's number, or `nil` for the consumer's own thread.
    ///   - activity: what was being done, e.g. "reading batch 3".
    ///   - location: the place to report, e.g. the sample index.
    static func loading(_ error: any Error, worker: Int?, activity: String, location: Location?) -> LoaderError {
        let original = error as? LoaderError
        let who = worker.map { "worker \($0)" } ?? "the consuming thread"
        return LoaderError(
            original?.code ?? .sampleFailed, "\(who) failed \(activity)", path: original?.path,
            location: location ?? original?.location, underlying: error)
    }
}

extension LoaderError {
    /// The error ending an epoch whose batch `batch` (0-based; the message counts from 1) was not
    /// ready within `timeout`.
    /// - Parameters:
    ///   - worker: the worker running the job the batch waits for, or `nil` if none had claimed it.
    ///   - job: what that job is, e.g. "shard 4", when it is not the batch itself.
    static func timedOut(batch: Int, worker: Int?, job: String?, after timeout: Duration) -> LoaderError {
        let holder = worker.map { "worker \($0) is still reading \(job ?? "it")" } ?? "no worker has started \(job ?? "it")"
        return LoaderError(.timedOut, "batch \(batch + 1) was not ready within the timeout of \(timeout): \(holder)")
    }
}
