/// A run's training loss as it goes, for a `LossPlot`: each epoch's mean loss and every batch's
/// loss, against the number of samples seen.
///
/// Batch losses are kept in bounded memory: past `maximumBatchPoints`, neighbouring points are
/// merged into their mean (x at the later one), so a long run at batch size 1 keeps a few thousand
/// points, more than a plot's width has pixels, instead of millions.
///
/// ```swift
/// var curve = LossCurve()
/// for epoch in 1...epochs {
///     let report = try await trainer.trainEpoch(loader, epoch: epoch) { curve.record($0) }
///     curve.record(report)
/// }
/// var plot = LossPlot(title: "MNIST, batch 64", xLabel: "samples seen")
/// plot.addCurve(curve, name: "batch 64")
/// ```
public struct LossCurve: Sendable, Equatable {
    /// Samples seen at each epoch's end, and that epoch's mean loss.
    public private(set) var epochSamples: [Double] = []
    public private(set) var epochLosses: [Double] = []
    /// Samples seen after a batch, and its loss (the mean of `batchesPerPoint` neighbouring batches).
    public private(set) var batchSamples: [Double] = []
    public private(set) var batchLosses: [Double] = []
    /// How many batches each batch point stands for: 1 until the run outgrows `maximumBatchPoints`.
    public private(set) var batchesPerPoint = 1

    /// Samples seen before the current epoch.
    private var samplesBefore = 0
    /// The batches of the point being gathered: their loss sum and count, and the samples seen
    /// after the latest.
    private var pendingLoss = 0.0, pendingCount = 0, pendingSamples = 0

    /// The most batch points kept; reaching it halves them.
    public static let maximumBatchPoints = 4096

    public init() {}

    /// Adds a batch's loss, at the samples seen so far; pass `Trainer.trainEpoch`'s `onBatch` progress.
    public mutating func record(_ progress: BatchProgress) {
        pendingLoss += progress.batchLoss
        pendingCount += 1
        pendingSamples = samplesBefore + progress.samples
        if pendingCount == batchesPerPoint { flushBatchPoint() }
    }

    /// Adds an epoch's mean loss at the samples seen by its end.
    public mutating func record(_ report: EpochReport) {
        // The epoch's last batches are drawn even when fewer than a point gathers.
        if pendingCount > 0 { flushBatchPoint() }
        samplesBefore += report.samples
        epochSamples.append(Double(samplesBefore))
        epochLosses.append(report.trainLoss)
    }

    private mutating func flushBatchPoint() {
        batchSamples.append(Double(pendingSamples))
        batchLosses.append(pendingLoss / Double(pendingCount))
        (pendingLoss, pendingCount) = (0, 0)
        if batchSamples.count == Self.maximumBatchPoints { halveBatchPoints() }
    }

    /// Merges neighbouring batch points into their mean, so each stands for twice the batches.
    private mutating func halveBatchPoints() {
        let pairs = stride(from: 0, to: batchSamples.count - 1, by: 2)
        batchSamples = pairs.map { (first: Int) -> Double in batchSamples[first + 1] }
        batchLosses = pairs.map { (first: Int) -> Double in (batchLosses[first] + batchLosses[first + 1]) / 2 }
        batchesPerPoint *= 2
    }
}

extension LossPlot {
    /// Draws `curve` as series `name`: its epoch means in bold, its batch losses faint beneath.
    public mutating func addCurve(_ curve: LossCurve, name: String) {
        addSeries(name, x: curve.epochSamples, y: curve.epochLosses)
        addDetail(of: name, x: curve.batchSamples, y: curve.batchLosses)
    }
}
