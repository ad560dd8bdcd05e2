import Foundation

/// What `loaders bench` measured: the open time, each epoch's time and the peak memory.
struct BenchReport {
    var format: String
    /// "random access" or "streaming".
    var mode: String
    var samples: Int
    var workers: Int
    var openSeconds: Double
    var epochSeconds: [Double]
    var peakResidentMegabytes: Double

    /// The median epoch time (the upper median for an even count).
    var medianEpochSeconds: Double {
        epochSeconds.sorted()[epochSeconds.count / 2]
    }

    var samplesPerSecond: Double {
        Double(samples) / medianEpochSeconds
    }

    var json: JSON {
        .object([
            ("format", .string(format)),
            ("mode", .string(mode)),
            ("samples", .integer(Int128(samples))),
            ("workers", .integer(Int128(workers))),
            ("open_seconds", .double(openSeconds)),
            ("epoch_seconds", .double(medianEpochSeconds)),
            ("samples_per_second", .double(samplesPerSecond)),
            ("peak_rss_mb", .double(peakResidentMegabytes)),
        ])
    }

    var table: String {
        """
        format          \(format), \(mode)
        samples         \(samples)
        workers         \(workers)
        open            \(String(format: "%.3f s", openSeconds))
        epoch (median)  \(String(format: "%.3f s", medianEpochSeconds)) of \(epochSeconds.count)
        samples/s       \(String(format: "%.0f", samplesPerSecond))
        peak RSS        \(String(format: "%.0f MB", peakResidentMegabytes))
        """
    }
}
