import Loaders

/// Trains a classifier with cross-entropy over batches from any async sequence (typically a
/// `DataLoader`), and measures its accuracy.
///
/// Each step zeroes the gradients, runs forward and backward, and applies the optimizer; the
/// input normalisation writes into a buffer reused from batch to batch.
///
/// ```swift
/// let trainer = Trainer(model: model, optimizer: Adam(model.parameters), normalization: .mnist)
/// for epoch in 1...2 {
///     let report = try await trainer.trainEpoch(trainLoader, epoch: epoch, test: testLoader)
///     print(report.trainLoss, report.testAccuracy ?? 0)
/// }
/// ```
public final class Trainer {
    public let model: any Layer
    public let optimizer: any Optimizer
    public let loss = CrossEntropyLoss()
    /// Applied to every batch's features before the model sees them; `nil` feeds them as they are.
    public var normalization: Normalization?
    /// Stepped after every batch or every epoch, as its interval says; `nil` keeps the rate fixed.
    public var scheduler: LearningRateScheduler?
    private var normalized = Tensor<Float>.empty

    /// - Precondition: `scheduler`, if any, drives `optimizer`.
    public init(model: any Layer, optimizer: any Optimizer, normalization: Normalization? = nil,
                scheduler: LearningRateScheduler? = nil) {
        require(scheduler.map { $0.optimizer === optimizer } ?? true, "the Trainer's scheduler must drive its optimizer")
        self.model = model
        self.optimizer = optimizer
        self.normalization = normalization
        self.scheduler = scheduler
    }

    /// Trains on one batch and returns its mean loss.
    /// - Throws: `LoaderError(.mismatch)` when a label is outside `0..<classes` of the model's
    ///   output, before any parameter changes.
    /// - Complexity: one forward and one backward pass, one optimizer step.
    @discardableResult
    public func trainStep(_ batch: Batch) throws -> Float {
        model.isTraining = true
        optimizer.zeroGradients()
        let logits = model.forward(input(of: batch))
        try Self.checkLabels(batch.labels, classes: logits.shape[1])
        let value = loss.forward(logits, labels: batch.labels)
        _ = model.backward(loss.backward())
        optimizer.step()
        return value
    }

    /// Trains on every batch of `batches` once, then measures accuracy on `test` if given.
    ///
    /// - Parameters:
    ///   - batches: the epoch's batches; a `DataLoader` reshuffles on each pass.
    ///   - epoch: the 1-based epoch number reported back.
    ///   - test: batches to measure accuracy on after training, or `nil`.
    ///   - onBatch: called after every batch, e.g. to draw a progress bar.
    /// - Throws: whatever the batch sequences throw (a `LoaderError` for bad input), or
    ///   `LoaderError(.mismatch)` for a label outside the model's classes.
    public func trainEpoch<Train: AsyncSequence, Test: AsyncSequence>(
        _ batches: Train, epoch: Int, test: Test?, onBatch: (BatchProgress) -> Void = { _ in }
    ) async throws -> EpochReport where Train.Element == Batch, Test.Element == Batch {
        let clock = ContinuousClock()
        let start = clock.now
        var (samples, batchIndex, lossSum) = (0, 0, 0.0)
        for try await batch in batches {
            let value = Double(try trainStep(batch))
            if let scheduler, scheduler.interval == .batch { scheduler.step() }
            batchIndex += 1
            samples += batch.count
            lossSum += value * Double(batch.count)
            onBatch(BatchProgress(epoch: epoch, batch: batchIndex, samples: samples, batchLoss: value,
                                  runningLoss: lossSum / Double(samples), elapsedSeconds: Self.seconds(clock.now - start)))
        }
        let trainSeconds = Self.seconds(clock.now - start)
        if let scheduler, scheduler.interval == .epoch { scheduler.step() }
        var accuracy: Double?
        if let test { accuracy = try await self.accuracy(on: test) }
        return EpochReport(epoch: epoch, trainLoss: samples > 0 ? lossSum / Double(samples) : 0,
                           testAccuracy: accuracy, trainSeconds: trainSeconds, samples: samples)
    }

    /// `trainEpoch` without a test set.
    public func trainEpoch<Train: AsyncSequence>(
        _ batches: Train, epoch: Int, onBatch: (BatchProgress) -> Void = { _ in }
    ) async throws -> EpochReport where Train.Element == Batch {
        try await trainEpoch(batches, epoch: epoch, test: Optional<Train>.none, onBatch: onBatch)
    }

    /// The fraction of samples in `batches` whose highest logit is their label, in evaluation mode.
    /// - Throws: whatever the batch sequence throws.
    public func accuracy<Batches: AsyncSequence>(on batches: Batches) async throws -> Double where Batches.Element == Batch {
        var (correct, total) = (0, 0)
        for try await batch in batches {
            correct += correctCount(batch)
            total += batch.count
        }
        return total > 0 ? Double(correct) / Double(total) : 0
    }

    /// The number of samples in `batch` the model classifies correctly, in evaluation mode.
    public func correctCount(_ batch: Batch) -> Int {
        model.isTraining = false
        defer { model.isTraining = true }
        let logits = model.forward(input(of: batch))
        let classes = logits.shape[1]
        var correct = 0
        logits.scalars.withUnsafeBufferPointer { z in
            for row in 0..<batch.count {
                let line = z[(row * classes)..<((row + 1) * classes)]
                let predicted = line.indices.max { line[$0] < line[$1] }! - row * classes
                if predicted == Int(batch.labels.scalars[row]) { correct += 1 }
            }
        }
        return correct
    }

    /// A label beyond the model's outputs would index past the logits: a data error, reported as one.
    private static func checkLabels(_ labels: Tensor<Int32>, classes: Int) throws {
        for (row, label) in labels.scalars.enumerated() where label < 0 || Int(label) >= classes {
            throw LoaderError(.mismatch, "label \(label) in row \(row) of the batch is outside the model's classes 0..<\(classes)")
        }
    }

    private func input(of batch: Batch) -> Tensor<Float> {
        guard let normalization else { return batch.features }
        normalization.apply(batch.features, into: &normalized)
        return normalized
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
