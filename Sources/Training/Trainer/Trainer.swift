import Loaders

/// Trains a model over batches from any async sequence (typically a `DataLoader`), and evaluates it.
///
/// Each step zeroes the gradients, runs forward and backward, and applies the optimizer; the
/// input normalisation writes into a buffer reused from batch to batch. The loss decides the task:
/// `CrossEntropyLoss` (the default) classifies, `MSELoss`, `L1Loss` or `HuberLoss` regress.
///
/// ```swift
/// let trainer = Trainer(model: model, optimizer: Adam(model.parameters), normalization: .mnist)
/// for epoch in 1...2 {
///     let report = try await trainer.trainEpoch(trainLoader, epoch: epoch, test: testLoader)
///     print(report.trainLoss, report.test?.accuracy ?? 0)
/// }
/// ```
public final class Trainer {
    public let model: any Layer
    public let optimizer: any Optimizer
    public let loss: any Loss
    /// Applied to every batch's features before the model sees them; `nil` feeds them as they are.
    public var normalization: Normalization?
    /// Stepped after every batch or every epoch, as its interval says; `nil` keeps the rate fixed.
    public var scheduler: LearningRateScheduler?
    /// Combines the gradients of every process of a data-parallel job before each optimizer step;
    /// `nil` trains alone.
    public var gradientSynchronizer: (any GradientSynchronizer)?
    /// Optimizer steps taken so far, over every epoch: a checkpoint's global step.
    public internal(set) var steps = 0
    /// The epoch `trainEpoch` is in and its sums so far, seen from `onBatch`; nil between epochs.
    public internal(set) var epochInProgress: EpochProgress?
    private var normalized = Tensor<Float>.empty

    /// - Precondition: `scheduler`, if any, drives `optimizer`.
    public init(model: any Layer, optimizer: any Optimizer, loss: any Loss = CrossEntropyLoss(),
                normalization: Normalization? = nil, scheduler: LearningRateScheduler? = nil) {
        require(scheduler.map { $0.optimizer === optimizer } ?? true, "the Trainer's scheduler must drive its optimizer")
        self.model = model
        self.optimizer = optimizer
        self.loss = loss
        self.normalization = normalization
        self.scheduler = scheduler
    }

    /// Trains on one batch and returns its mean loss (0 for an empty batch, which changes nothing
    /// unless a `gradientSynchronizer` brings the other processes' gradients).
    /// - Throws: `LoaderError(.mismatch)` when the batch's targets do not fit the model's output
    ///   and the loss (a label outside the classes, values of another shape), before any parameter
    ///   changes; whatever `gradientSynchronizer` throws.
    /// - Complexity: one forward and one backward pass, one optimizer step.
    @discardableResult
    public func trainStep(_ batch: Batch) throws -> Float {
        model.isTraining = true
        optimizer.zeroGradients()
        // An empty batch (a data-parallel rank's share of a last batch smaller than the world)
        // contributes no gradient, yet still joins the exchange and the step the other ranks take.
        var value: Float = 0
        if batch.count > 0 {
            value = try loss.forward(model.forward(input(of: batch)), targets: batch.targets)
            _ = model.backward(loss.backward())
        }
        if let gradientSynchronizer {
            try gradientSynchronizer.synchronize(model.parameters, samples: batch.count)
        } else if batch.count == 0 {
            return 0
        }
        optimizer.step()
        steps += 1
        return value
    }

    /// Trains on every batch of `batches` once, then evaluates on `test` if given.
    ///
    /// - Parameters:
    ///   - batches: the epoch's batches; a `DataLoader` reshuffles on each pass.
    ///   - epoch: the 1-based epoch number reported back.
    ///   - test: batches to evaluate on after training, or `nil`.
    ///   - resuming: the progress of this epoch that a checkpoint saved (`epochInProgress`), when
    ///     `batches` are the rest of an epoch interrupted there; the sums carry on from it.
    ///   - onBatch: called after every batch, e.g. to draw a progress bar or save a checkpoint
    ///     (`epochInProgress` then includes the batch); what it throws ends the epoch.
    /// - Throws: whatever the batch sequences or `onBatch` throw (a `LoaderError` for bad input),
    ///   or `LoaderError(.mismatch)` for targets that do not fit the model and the loss.
    /// - Precondition: `resuming`, if given, is of epoch `epoch`.
    public func trainEpoch<Train: AsyncSequence, Test: AsyncSequence>(
        _ batches: Train, epoch: Int, test: Test?, resuming: EpochProgress? = nil,
        onBatch: (BatchProgress) throws -> Void = { _ in }
    ) async throws -> EpochReport where Train.Element == Batch, Test.Element == Batch {
        require(resuming.map { $0.epoch == epoch } ?? true, "resuming epoch \(resuming?.epoch ?? 0) as epoch \(epoch)")
        let clock = ContinuousClock()
        let start = clock.now
        var progress = resuming ?? EpochProgress(epoch: epoch)
        let earlierSeconds = progress.trainSeconds
        epochInProgress = progress
        defer { epochInProgress = nil }
        for try await batch in batches {
            let value = Double(try trainStep(batch))
            if let scheduler, scheduler.interval == .batch { scheduler.step() }
            progress.batches += 1
            progress.samples += batch.count
            progress.lossSum += value * Double(batch.count)
            progress.trainSeconds = earlierSeconds + Self.seconds(clock.now - start)
            epochInProgress = progress
            try onBatch(BatchProgress(epoch: epoch, batch: progress.batches, samples: progress.samples, batchLoss: value,
                                      runningLoss: progress.lossSum / Double(progress.samples), elapsedSeconds: progress.trainSeconds))
            // Awaiting a batch that is already there does not suspend: without this, an epoch whose
            // batches keep up would hold a thread of the shared concurrency pool from start to end.
            await Task.yield()
        }
        let trainSeconds = earlierSeconds + Self.seconds(clock.now - start)
        if let scheduler, scheduler.interval == .epoch { scheduler.step() }
        epochInProgress = nil
        var evaluation: Evaluation?
        if let test { evaluation = try await evaluate(on: test) }
        return EpochReport(epoch: epoch, trainLoss: progress.samples > 0 ? progress.lossSum / Double(progress.samples) : 0,
                           test: evaluation, trainSeconds: trainSeconds, samples: progress.samples)
    }

    /// `trainEpoch` without a test set.
    public func trainEpoch<Train: AsyncSequence>(
        _ batches: Train, epoch: Int, resuming: EpochProgress? = nil, onBatch: (BatchProgress) throws -> Void = { _ in }
    ) async throws -> EpochReport where Train.Element == Batch {
        try await trainEpoch(batches, epoch: epoch, test: Optional<Train>.none, resuming: resuming, onBatch: onBatch)
    }

    /// The model's loss and metrics on `batches`, in evaluation mode, without changing a parameter.
    ///
    /// - Parameters:
    ///   - batches: the batches to measure on, e.g. a test `DataLoader`.
    ///   - onOutput: called with each batch and the model's output for it (logits, or predicted
    ///     values), e.g. to keep the predictions.
    /// - Throws: whatever the batch sequence throws, or `LoaderError(.mismatch)` for targets that
    ///   do not fit the model and the loss.
    public func evaluate<Batches: AsyncSequence>(
        on batches: Batches, onOutput: (Batch, Tensor<Float>) throws -> Void = { _, _ in }
    ) async throws -> Evaluation where Batches.Element == Batch {
        var sums = EvaluationAccumulator()
        // A data-parallel rank's share of a last batch smaller than the world is empty.
        for try await batch in batches where batch.count > 0 {
            let output = predict(batch.features)
            sums.add(output: output, targets: batch.targets, loss: try loss.forward(output, targets: batch.targets))
            try onOutput(batch, output)
            await Task.yield()   // as in `trainEpoch`
        }
        return sums.evaluation
    }

    /// The fraction of samples in `batches` whose highest output is their label, in evaluation mode.
    /// - Throws: whatever the batch sequence throws; `LoaderError(.mismatch)` for real-valued targets.
    public func accuracy<Batches: AsyncSequence>(on batches: Batches) async throws -> Double where Batches.Element == Batch {
        guard let accuracy = try await evaluate(on: batches).accuracy else {
            throw LoaderError(.mismatch, "accuracy needs class labels, and the batches have real-valued targets")
        }
        return accuracy
    }

    /// The model's output for `features` (normalised as in training), in evaluation mode: logits
    /// for a classifier, predicted values for a regression.
    public func predict(_ features: Tensor<Float>) -> Tensor<Float> {
        model.isTraining = false
        defer { model.isTraining = true }
        return model.forward(input(of: features))
    }

    private func input(of batch: Batch) -> Tensor<Float> {
        input(of: batch.features)
    }

    private func input(of features: Tensor<Float>) -> Tensor<Float> {
        guard let normalization else { return features }
        normalization.apply(features, into: &normalized)
        return normalized
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
