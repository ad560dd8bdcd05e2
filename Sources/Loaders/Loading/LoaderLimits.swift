/// The bounds every loader holds its arguments to.
public enum LoaderLimits {
    /// The most worker threads a loader starts. Each is an OS thread: past the cores they only
    /// contend, and a huge count would exhaust the system's threads rather than fail cleanly.
    public static let maximumWorkers = 256

    /// Stops with a message naming `loader` unless the arguments every loader takes are valid.
    static func require(workers: Int, prefetch: Int, timeout: Duration?, loader: String) {
        Loaders.require((0...maximumWorkers).contains(workers),
                        "\(loader) workers must be in 0...\(maximumWorkers), got \(workers)")
        Loaders.require(prefetch >= 1, "\(loader) prefetch must be at least 1, got \(prefetch)")
        Loaders.require(timeout.map { $0 > .zero } ?? true, "\(loader) timeout must be positive, got \(timeout!)")
    }

    /// How many of `jobs` may be in flight at once: `workers × prefetch`, but never more than
    /// there are jobs, so that a huge `prefetch` neither overflows nor means anything.
    static func window(workers: Int, prefetch: Int, jobs: Int) -> Int {
        let (product, overflow) = workers.multipliedReportingOverflow(by: prefetch)
        return max(1, min(jobs, overflow ? Int.max : product))
    }
}
