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
