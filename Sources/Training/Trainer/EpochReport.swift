/// What one training epoch measured.
public struct EpochReport: Sendable, Equatable, Codable {
    /// 1-based epoch number.
    public var epoch: Int
    /// The mean training loss over the epoch's samples (each batch weighted by its size).
    public var trainLoss: Double
    /// The model on the test set after the epoch, if a test set was given.
    public var test: Evaluation?
    /// Wall-clock seconds spent in the training pass, including waiting for batches.
    public var trainSeconds: Double
    /// The number of training samples seen.
    public var samples: Int

    public init(epoch: Int, trainLoss: Double, test: Evaluation?, trainSeconds: Double, samples: Int) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.test = test
        self.trainSeconds = trainSeconds
        self.samples = samples
    }

    /// The fraction of test samples classified correctly, for a classifier with a test set.
    public var testAccuracy: Double? { test?.accuracy }

    /// Training throughput.
    public var samplesPerSecond: Double {
        trainSeconds > 0 ? Double(samples) / trainSeconds : 0
    }
}
