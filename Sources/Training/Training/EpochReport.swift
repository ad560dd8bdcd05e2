/// What one training epoch measured.
public struct EpochReport: Sendable, Equatable {
    /// 1-based epoch number.
    public var epoch: Int
    /// The mean training loss over the epoch's samples (each batch weighted by its size).
    public var trainLoss: Double
    /// The fraction of test samples classified correctly after the epoch, if a test set was given.
    public var testAccuracy: Double?
    /// Wall-clock seconds spent in the training pass, including waiting for batches.
    public var trainSeconds: Double
    /// The number of training samples seen.
    public var samples: Int

    public init(epoch: Int, trainLoss: Double, testAccuracy: Double?, trainSeconds: Double, samples: Int) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.testAccuracy = testAccuracy
        self.trainSeconds = trainSeconds
        self.samples = samples
    }

    /// Training throughput.
    public var samplesPerSecond: Double {
        trainSeconds > 0 ? Double(samples) / trainSeconds : 0
    }
}

/// Progress within an epoch, reported after every batch.
public struct BatchProgress: Sendable, Equatable {
    /// 1-based epoch number.
    public var epoch: Int
    /// 1-based index of the batch just trained.
    public var batch: Int
    /// Samples trained so far this epoch.
    public var samples: Int
    /// The loss of the batch just trained.
    public var batchLoss: Double
    /// The mean loss over this epoch's samples so far.
    public var runningLoss: Double
    /// Seconds since the epoch started.
    public var elapsedSeconds: Double

    public init(epoch: Int, batch: Int, samples: Int, batchLoss: Double, runningLoss: Double, elapsedSeconds: Double) {
        self.epoch = epoch
        self.batch = batch
        self.samples = samples
        self.batchLoss = batchLoss
        self.runningLoss = runningLoss
        self.elapsedSeconds = elapsedSeconds
    }
}
