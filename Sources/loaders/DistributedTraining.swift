import Foundation
import Loaders
import LoadersMPI
import Training

/// `loaders train --distributed`: this process's rank in an MPI job, and the sums that make every
/// rank report what one process training on the global batches would.
///
/// Each rank trains on its slice of every global batch (`DistributedBatchSampler`) and measures its
/// slice of the held-out data; the epoch's loss and the measurements are sums over ranks, added in
/// rank order so that every rank holds the same report. Only rank 0 prints and writes.
final class DistributedTraining {
    let group: MPIProcessGroup
    /// The gradient exchange, timed for the epoch's report.
    let exchange: TimedGradientExchange

    /// Joins the MPI job this process was started in.
    /// - Throws: `LoaderError(.communication)` when MPI cannot start.
    init() throws {
        group = try MPIProcessGroup()
        exchange = TimedGradientExchange(MPIGradientAverager(group: group))
    }

    /// An error every rank meets at the same point, so that each can stop on its own.
    struct StoppedTogether: Error {
        let error: any Error
    }

    /// Stops every rank unless all were started with rank 0's `settings` (`MPIProcessGroup.requireSameSettings`).
    /// - Throws: `StoppedTogether` on every rank when any rank's settings differ.
    func requireSameSettings(_ settings: [String: String]) throws {
        do {
            try group.requireSameSettings(settings)
        } catch let error as LoaderError where error.message.hasPrefix("rank ") {
            throw StoppedTogether(error: error)
        }
    }

    /// Whether this rank prints, plots and writes files: rank 0.
    var isLeader: Bool { group.rank == 0 }

    /// The training samples rank 0 trains on in an epoch of `count`: the larger share, `⌈count / W⌉`.
    func leaderShare(of count: Int) -> Int {
        (count + group.worldSize - 1) / group.worldSize
    }

    /// `report` over every rank: the mean loss over all ranks' samples, their count, and the
    /// held-out measurement over every rank's slice.
    func global(_ report: EpochReport) throws -> EpochReport {
        let sums = try group.sum([report.trainLoss * Double(report.samples), Double(report.samples)])
        var total = report
        total.samples = Int(sums[1])
        total.trainLoss = sums[1] > 0 ? sums[0] / sums[1] : 0
        total.test = try report.test.map { try global($0) }
        return total
    }

    /// A classifier's `evaluation` over every rank's slice: confusion counts and loss sums added.
    /// Regression metrics (square roots, R²) do not add up, so each rank measures the whole set
    /// and its evaluation is already the job's.
    func global(_ evaluation: Evaluation) throws -> Evaluation {
        guard case .classification(let metrics) = evaluation.metrics else { return evaluation }
        // A rank whose slice is empty has no confusion matrix yet; the widest is the model's.
        let classes = Int(try group.range(of: Int64(metrics.confusion.count)).upperBound)
        var values = [evaluation.loss * Double(evaluation.samples), Double(evaluation.samples)]
        for label in 0..<classes {
            for predicted in 0..<classes {
                values.append(Double(label < metrics.confusion.count ? metrics.confusion[label][predicted] : 0))
            }
        }
        let sums = try group.sum(values)
        let confusion = (0..<classes).map { label in (0..<classes).map { Int(sums[2 + label * classes + $0]) } }
        return Evaluation(samples: Int(sums[1]), loss: sums[1] > 0 ? sums[0] / sums[1] : 0,
                          metrics: .classification(ClassificationMetrics(confusion: confusion)))
    }

    /// The epoch's progress over every rank, for a checkpoint: every rank calls it at the same step.
    func global(_ progress: EpochProgress) throws -> EpochProgress {
        let sums = try group.sum([progress.lossSum, Double(progress.samples)])
        var total = progress
        total.lossSum = sums[0]
        total.samples = Int(sums[1])
        return total
    }

    /// This rank's part of a checkpoint's `global` progress: rank 0 carries the sums, so that
    /// adding every rank's sums at the epoch's end counts each sample once.
    func share(of global: EpochProgress) -> EpochProgress {
        isLeader ? global : EpochProgress(epoch: global.epoch, batches: global.batches, trainSeconds: global.trainSeconds)
    }

    /// Stops every rank with `error` printed on this one: `MPI_Abort` ends the job, since ranks
    /// that did not fail would otherwise wait for this one in their next collective.
    func abort(_ error: any Error) -> Never {
        _ = reportFailure(of: "train", Self.naming(rank: group.rank, error))
        group.abort(code: 1)
    }

    /// `error` with `rank` in front of its message, unless it names a rank already.
    static func naming(rank: Int, _ error: any Error) -> any Error {
        guard let error = error as? LoaderError, !error.message.hasPrefix("rank ") else { return error }
        var named = error
        named.message = "rank \(rank): \(error.message)"
        return named
    }
}

/// The gradient exchange with its time and bytes counted: what data parallelism costs per step.
final class TimedGradientExchange: GradientSynchronizer {
    let averager: MPIGradientAverager
    /// Seconds in the exchange and steps since `take()`.
    private(set) var seconds = 0.0
    private(set) var steps = 0
    /// The bytes each rank sends into one allreduce: every gradient and the sample count, as `Float`.
    private(set) var bytesPerStep = 0

    init(_ averager: MPIGradientAverager) {
        self.averager = averager
    }

    func synchronize(_ parameters: [Parameter], samples: Int) throws {
        let start = ContinuousClock.now
        try averager.synchronize(parameters, samples: samples)
        seconds += (ContinuousClock.now - start).seconds
        steps += 1
        bytesPerStep = (parameters.reduce(0) { $0 + $1.gradient.count } + 1) * MemoryLayout<Float>.stride
    }

    /// The exchanges since the last call.
    func take() -> GradientExchangeTotals {
        defer { (seconds, steps) = (0, 0) }
        return GradientExchangeTotals(seconds: seconds, steps: steps, bytesPerStep: bytesPerStep)
    }
}

/// An epoch's gradient exchanges on one rank.
struct GradientExchangeTotals {
    var seconds: Double
    var steps: Int
    var bytesPerStep: Int
}

/// `--trace-batches PATH`: the sample indices of every batch this rank trains on, one line each
/// (`epoch batch: i j k`), appended to PATH (PATH.rank-R when distributed): a record to check that
/// resumed runs use each sample once.
final class BatchTrace {
    private let file: FileHandle
    private let batches: any BatchSampling
    private var epoch = 0
    private var epochBatches: [[Int]] = []

    /// - Throws: `LoaderError(.io)` when PATH cannot be opened for appending.
    init(path: String, rank: Int?, batches: any BatchSampling) throws {
        let path = rank.map { "\(path).rank-\($0)" } ?? path
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let file = FileHandle(forWritingAtPath: path) else {
            throw LoaderError(.io, "cannot open the batch trace for appending", path: path)
        }
        file.seekToEndOfFile()
        self.file = file
        self.batches = batches
    }

    /// Appends batch `batch` (counted from 1) of `epoch`.
    func record(epoch: Int, batch: Int) throws {
        if epoch != self.epoch { (self.epoch, epochBatches) = (epoch, batches.batches(epoch: epoch)) }
        let line = "\(epoch) \(batch): " + epochBatches[batch - 1].map(String.init).joined(separator: " ") + "\n"
        try file.write(contentsOf: Data(line.utf8))
    }
}

/// Where a resumed run's training loader starts.
enum ResumePlacement {
    /// At a position of the loader as it is.
    case state(LoaderState)
    /// Between two of its batches: epoch `epoch` continues from sample `start` of the epoch's order
    /// (`ContinuedEpochBatches`).
    case between(epoch: Int, start: Int)
}

/// The training batches of a run resumed mid-epoch on a batching whose global batches do not start
/// at the checkpoint's sample: that epoch continues from sample `start` of its order, cut into
/// global batches from there (each rank taking its share of each, as `DistributedBatchSampler`
/// does); every other epoch is `base`'s.
struct ContinuedEpochBatches: BatchSampling {
    let base: any BatchSampling
    let order: RandomSampler
    let globalBatchSize: Int
    /// This rank, when distributed.
    let process: ProcessRank?
    let epoch: Int
    let start: Int

    /// `base`'s count: the continued epoch has no more batches than a whole one.
    var count: Int { base.count }

    func batches(epoch: Int) -> [[Int]] {
        guard epoch == self.epoch else { return base.batches(epoch: epoch) }
        let rest = order.indices(epoch: epoch).dropFirst(start)
        return stride(from: rest.startIndex, to: rest.endIndex, by: globalBatchSize).map { from in
            let global = rest[from..<min(from + globalBatchSize, rest.endIndex)]
            guard let process else { return Array(global) }
            let share = DistributedBatchSampler<SequentialSampler>.share(of: global.count, rank: process.rank, worldSize: process.worldSize)
            return Array(global.dropFirst(share.lowerBound).prefix(share.count))
        }
    }

    var orderSettings: [String: String] {
        base.orderSettings.merging(["continued epoch": "\(epoch)", "continued from sample": "\(start)"]) { $1 }
    }
}

extension LoaderState {
    /// The settings that batch an epoch's order, which another world size or batch size changes;
    /// the rest (the sampler, its seed, the dataset's size) must stay for a resume.
    static let batchingSettings: Set<String> = [
        "batch sampler", "batch size", "global batch size", "rank", "world size", "continued epoch", "continued from sample",
    ]

    /// Where a loader with `settings`, which draws the same order but may batch it differently
    /// (another rank, world size or batch size), continues this state: at the same global sample
    /// position, the samples of the epoch's order delivered over all ranks, so that none is
    /// repeated or skipped. A state of another order is placed as it is, for `restore` to name
    /// what differs.
    func placed(on settings: [String: String]) -> ResumePlacement {
        let order = self.settings.filter { !Self.batchingSettings.contains($0.key) }
        guard order == settings.filter({ !Self.batchingSettings.contains($0.key) }),
              let savedGlobal = Self.globalBatchSize(self.settings), let global = Self.globalBatchSize(settings),
              let perRank = settings["batch size"].flatMap({ Int($0) })
        else { return .state(self) }
        // Every batch before a position is a full global batch (only an epoch's last may be
        // short), counted from where a continued epoch started.
        let continuedFrom = self.settings["continued epoch"] == "\(epoch)" ? self.settings["continued from sample"].flatMap { Int($0) } ?? 0 : 0
        let position = continuedFrom + batches * savedGlobal
        if let count = settings["count"].flatMap({ Int($0) }), position >= count {
            return .state(endOfEpoch(count: count, globalBatch: global, settings: settings))
        }
        guard position % global == 0 else { return .between(epoch: epoch, start: position) }
        return .state(LoaderState(epoch: epoch, batches: position / global, samples: position / global * perRank, settings: settings))
    }

    /// The state after the last batch of this epoch of `count` samples, batched by `settings`: a
    /// checkpoint written once the epoch's every batch was delivered, whatever the batching.
    private func endOfEpoch(count: Int, globalBatch global: Int, settings: [String: String]) -> LoaderState {
        let (full, rest) = count.quotientAndRemainder(dividingBy: global)
        let dropLast = settings["drop last"] == "true"
        let (rank, worldSize) = (settings["rank"].flatMap { Int($0) } ?? 0, settings["world size"].flatMap { Int($0) } ?? 1)
        let lastShare = dropLast ? 0 : DistributedBatchSampler<SequentialSampler>.share(of: rest, rank: rank, worldSize: worldSize).count
        return LoaderState(epoch: epoch, batches: full + (rest > 0 && !dropLast ? 1 : 0), samples: full * (global / worldSize) + lastShare,
                           settings: settings)
    }

    /// Samples in a full global batch: a distributed loader's "global batch size", a single
    /// process's "batch size".
    private static func globalBatchSize(_ settings: [String: String]) -> Int? {
        (settings["global batch size"] ?? settings["batch size"]).flatMap { Int($0) }
    }
}
