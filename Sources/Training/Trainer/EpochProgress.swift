/// How far training has gone through an epoch: what a checkpoint taken between batches keeps so
/// that the resumed epoch reports the same mean loss as an uninterrupted one.
public struct EpochProgress: Sendable, Equatable, Codable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Batches trained so far this epoch.
    public var batches: Int
    /// Samples trained so far this epoch.
    public var samples: Int
    /// The sum of each batch's mean loss times its size, so far.
    public var lossSum: Double
    /// Seconds spent training this epoch so far.
    public var trainSeconds: Double

    public init(epoch: Int, batches: Int = 0, samples: Int = 0, lossSum: Double = 0, trainSeconds: Double = 0) {
        self.epoch = epoch
        self.batches = batches
        self.samples = samples
        self.lossSum = lossSum
        self.trainSeconds = trainSeconds
    }
}
