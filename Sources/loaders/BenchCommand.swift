import ArgumentParser
import Foundation
import Loaders

/// `loaders bench`: opens a source and times shuffled epochs of normalised float batches.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time opening a data source and shuffled epochs of float batches.",
        discussion: """
            Features are normalised as (x - mean) / std on the way, as PyTorch's MNIST examples \
            do. The JSON reports the median epoch.
            """)

    @OptionGroup var source: SourceOptions

    @Option(help: "Samples per batch.")
    var batchSize = 64

    @Option(help: "Worker threads (at most 256); 0 loads on the consuming thread.")
    var workers = 2

    /// The most worker threads `--workers` accepts.
    static let maximumWorkers = LoaderLimits.maximumWorkers
    /// The most shards `--shards` accepts.
    static let maximumShards = 1 << 16

    @Option(help: "Shuffled epochs to time.")
    var epochs = 1

    @OptionGroup var normalization: NormalizationOptions

    @Flag(help: "Read the source front to back (StreamingDataLoader) instead of by random access.")
    var streaming = false

    @Option(help: "Streaming: shards the source is split into.")
    var shards = 1

    @Option(help: "Streaming: samples held per shard for shuffling.")
    var shuffleBuffer = 10_000

    @Option(help: "The shuffling seed.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Fail when a batch is not ready after this many seconds (with workers).", valueName: "seconds"))
    var timeout: Double?

    @Option(help: ArgumentHelp("Augment each sample on the workers before normalising, e.g. \"affine(degrees=10,translate=0.1,scale=0.9:1.1),erasing(p=0.25)\" (Docs/Augmentation.md).",
                               valueName: "spec"))
    var augment: String?

    @Option(help: ArgumentHelp("Also time resuming the loader at these batches of an epoch (comma-separated): from decoding the saved state to the first batch, median of 5.",
                               valueName: "batches"))
    var resumeAt: String?

    @Flag(help: "Print one line of JSON instead of a table.")
    var json = false

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard (0...Self.maximumWorkers).contains(workers) else {
            throw ValidationError("--workers must be between 0 and \(Self.maximumWorkers)")
        }
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
        // The shard order is an array of every shard number, so their count must stay modest.
        guard (1...Self.maximumShards).contains(shards) else {
            throw ValidationError("--shards must be between 1 and \(Self.maximumShards)")
        }
        guard shuffleBuffer >= 0 else { throw ValidationError("--shuffle-buffer must not be negative") }
        _ = try Self.loaderTimeout(seconds: timeout)
        _ = try resumePositions()
        if let augment { _ = try Augmentation(spec: augment) }
    }

    /// `--resume-at`, parsed.
    func resumePositions() throws -> [Int] {
        guard let resumeAt else { return [] }
        let positions = resumeAt.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !positions.isEmpty, positions.allSatisfy({ ($0 ?? -1) >= 0 }) else {
            throw ValidationError("--resume-at must be batch numbers separated by commas, like 0,450,900; got \(resumeAt)")
        }
        return positions.map { $0! }
    }

    func run() throws {
        let report: BenchReport
        do {
            report = try measure()
        } catch {
            throw reportFailure(of: "bench", error)
        }
        print(json ? report.json.text : report.table)
    }

    /// Opens the source and times its epochs.
    /// - Throws: `LoaderError` from opening or reading the source.
    func measure() throws -> BenchReport {
        let clock = ContinuousClock()
        let start = clock.now
        if streaming {
            let opened = try source.openStreaming(source.train, shards: shards)
            try opened.checkMemory(batchSize: batchSize, shuffleBuffer: shuffleBuffer, workers: workers, prefetch: 2, path: source.train)
            let openTime = clock.now - start
            let (samples, epochTimes, resumes) = try timeStreamingEpochs(of: augmentedStreams(opened.dataset))
            return BenchReport(
                format: opened.format, mode: "streaming", samples: samples, workers: workers,
                openSeconds: openTime.seconds, epochSeconds: epochTimes.map(\.seconds), resumes: resumes,
                peakResidentMegabytes: peakResidentMegabytes())
        }
        let opened = try source.open(source.train)
        try opened.checkBatchMemory(batchSize: batchSize, inFlight: Self.batchesInFlight(workers: workers), path: source.train)
        let openTime = clock.now - start
        let (epochTimes, resumes) = try timeEpochs(of: opened.dataset, sampleShape: opened.sampleShape)
        return BenchReport(
            format: opened.format, mode: "random access", samples: opened.dataset.count, workers: workers,
            openSeconds: openTime.seconds, epochSeconds: epochTimes.map(\.seconds), resumes: resumes,
            peakResidentMegabytes: peakResidentMegabytes())
    }

    /// Runs `epochs` shuffled epochs and returns each one's time, and the `--resume-at` times.
    private func timeEpochs<Source: Dataset<Example>>(
        of dataset: Source, sampleShape: [Int]
    ) throws -> ([Duration], [BenchReport.Resume]) {
        let timeout = try Self.loaderTimeout(seconds: timeout)
        // Augmented on the workers before normalising, as torchvision's pipelines do.
        let augmented = try PreparedData.augmented(AnyDataset(dataset), bySpec: augment, seed: seed)
        func makeLoader() -> DataLoader<NormalizedDataset<AnyDataset<Example>>> {
            DataLoader(normalization.apply(to: augmented, sampleShape: sampleShape), batchSize: batchSize, shuffle: true, workers: workers,
                       seed: seed, timeout: timeout)
        }
        let loader = makeLoader()
        let clock = ContinuousClock()
        let times = try (0..<epochs).map { _ in
            var delivered = 0
            let start = clock.now
            var iterator = loader.makeIterator()
            while let batch = try iterator.next() {
                delivered += batch.count
            }
            precondition(delivered == dataset.count, "an epoch delivered \(delivered) of \(dataset.count) samples")
            return clock.now - start
        }
        return (times, try timeResumes(makeLoader))
    }

    /// `dataset` with each sample augmented by `--augment` as it is read, if given.
    private func augmentedStreams<Source: StreamingDataset<Example>>(_ dataset: Source) throws -> any StreamingDataset<Example> {
        guard let augment else { return dataset }
        return AugmentedStreamingDataset(dataset, transform: try Augmentation(spec: augment), seed: seed)
    }

    /// Runs `epochs` streamed epochs (features as read, not normalised) and returns the sample
    /// count, each epoch's time and the `--resume-at` times.
    private func timeStreamingEpochs<Source: StreamingDataset<Example>>(
        of dataset: Source
    ) throws -> (Int, [Duration], [BenchReport.Resume]) {
        let timeout = try Self.loaderTimeout(seconds: timeout)
        func makeLoader() -> StreamingDataLoader<Source> {
            StreamingDataLoader(dataset, batchSize: batchSize, shuffleBuffer: shuffleBuffer, workers: workers, seed: seed, timeout: timeout)
        }
        let loader = makeLoader()
        let clock = ContinuousClock()
        var samples = 0
        let times = try (0..<epochs).map { _ in
            samples = 0
            let start = clock.now
            var iterator = loader.makeIterator()
            while let batch = try iterator.next() {
                samples += batch.count
            }
            return clock.now - start
        }
        return (samples, times, try timeResumes(makeLoader))
    }
}

extension BenchCommand {
    /// For each `--resume-at` position: a state saved there by reading that many batches, then the
    /// median of 5 resumes from its JSON (decoding, a fresh loader, `restore`, the first batch).
    private func timeResumes<Loader: BatchLoader<Batch>>(_ makeLoader: () -> Loader) throws -> [BenchReport.Resume] {
        let clock = ContinuousClock()
        return try resumePositions().map { position in
            let saving = makeLoader()
            var iterator = saving.makeIterator()
            var read = 0
            while read < position, try iterator.next() != nil { read += 1 }
            guard read == position else {
                throw ValidationError("--resume-at \(position) is past the epoch's \(read) batches")
            }
            let saved = try JSONEncoder().encode(iterator.state)
            let times = try (0..<5).map { _ in
                let start = clock.now
                let loader = makeLoader()
                try loader.restore(JSONDecoder().decode(LoaderState.self, from: saved))
                var resumed = loader.makeIterator()
                _ = try resumed.next()
                return (clock.now - start).seconds
            }
            return BenchReport.Resume(batch: position, stateBytes: saved.count, medianSeconds: times.sorted()[times.count / 2])
        }
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}

extension BenchCommand {
    /// The batches a loader with `workers` and the default prefetch of 2 holds at most, counting
    /// the one the consumer has.
    static func batchesInFlight(workers: Int) -> Int { workers * 2 + 1 }

    /// The loader timeout `--timeout seconds` asks for, `nil` without one.
    /// - Throws: `ValidationError` unless the seconds are between a millisecond and 10^9 seconds;
    ///   a shorter timeout would round to nothing or fail every batch.
    static func loaderTimeout(seconds: Double?) throws -> Duration? {
        guard let seconds else { return nil }
        guard seconds.isFinite, seconds >= 0.001, seconds <= 1e9 else {
            throw ValidationError("--timeout must be between 0.001 and 1e9 seconds; got \(seconds)")
        }
        return .nanoseconds(Int64(seconds * 1e9))
    }
}
