extension LoaderError.Code {
    /// A sample failed to load with an error that is not a `LoaderError`; see `underlying`.
    public static let sampleFailed = Self("sampleFailed")
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
