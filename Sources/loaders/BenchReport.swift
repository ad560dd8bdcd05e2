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
    /// `--resume-at`: how long resuming at each position took.
    var resumes: [Resume] = []
    var peakResidentMegabytes: Double

    struct Resume {
        /// The batch of the epoch the state was saved after.
        var batch: Int
        /// The size of the state's JSON.
        var stateBytes: Int
        /// From decoding the state to the first batch, median of 5.
        var medianSeconds: Double
    }

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
        ] + (resumes.isEmpty ? [] : [("resumes", .array(resumes.map { resume in
            .object([("batch", .integer(Int128(resume.batch))), ("state_bytes", .integer(Int128(resume.stateBytes))),
                     ("seconds", .double(resume.medianSeconds))])
        }))]) + [
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
        """ + resumes.map { resume in
            String(format: "\nresume at %-6d %.1f ms to the first batch (state %d bytes)", resume.batch, resume.medianSeconds * 1000,
                   resume.stateBytes)
        }.joined()
    }
}
