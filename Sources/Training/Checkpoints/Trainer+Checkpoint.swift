import Foundation
import Loaders

extension Trainer {
    /// A checkpoint of training as it stands: between batches when called from `trainEpoch`'s
    /// `onBatch`, between epochs otherwise.
    ///
    /// - Parameters:
    ///   - completedEpochs: the reports of the epochs finished so far.
    ///   - loaderState: the data loader's position, encoded; kept as it is.
    ///   - metadata: the run's settings, to make the resumed run like this one.
    /// - Complexity: copies every parameter, buffer and optimizer buffer.
    public func checkpoint(completedEpochs: [EpochReport], loaderState: Data = Data(), metadata: [String: String] = [:]) -> TrainingCheckpoint {
        TrainingCheckpoint(
            tensors: model.state.map { .init(name: $0.name, shape: $0.shape, values: $0.value.scalars) },
            optimizer: optimizer.state, generators: model.generators, schedulerSteps: scheduler?.steps,
            globalStep: steps, completedEpochs: completedEpochs, epochInProgress: epochInProgress,
            loaderState: loaderState, metadata: metadata)
    }

    /// Takes up `checkpoint`: parameters and buffers, optimizer state, generators, the
    /// scheduler's step, the global step and the interrupted epoch's progress (pass it to
    /// `trainEpoch(_:epoch:test:resuming:onBatch:)` with the loader restored to `loaderState`).
    ///
    /// The model, optimizer and scheduler must be made as those the checkpoint was taken from
    /// (fresh ones will do); training then goes on bit for bit as it would have.
    /// - Throws: `LoaderError(.mismatch)` naming the checkpoint's file and what differs (a
    ///   parameter's name or shape, the parameter or generator count, the optimizer's kind,
    ///   settings or buffers, a scheduler on one side only); nothing changes when it throws.
    public func restore(from checkpoint: TrainingCheckpoint) throws {
        do {
            let state = model.state
            guard checkpoint.tensors.count == state.count else {
                throw LoaderError(.mismatch, "checkpoint has \(checkpoint.tensors.count) parameters and buffers, the model \(state.count)")
            }
            for (saved, parameter) in zip(checkpoint.tensors, state) {
                guard saved.name == parameter.name, saved.shape == parameter.shape else {
                    throw LoaderError(.mismatch, "checkpoint has \(saved.name) \(saved.shape) where the model has \(parameter.name) \(parameter.shape)")
                }
                guard saved.values.count == parameter.value.count else {
                    throw LoaderError(.mismatch, "checkpoint has \(saved.values.count) values for \(saved.name) \(saved.shape)")
                }
            }
            let generatorCount = model.generators.count
            guard checkpoint.generators.count == generatorCount else {
                throw LoaderError(.mismatch, "checkpoint has \(checkpoint.generators.count) random generators, the model \(generatorCount)")
            }
            guard (checkpoint.schedulerSteps == nil) == (scheduler == nil) else {
                throw LoaderError(.mismatch, checkpoint.schedulerSteps == nil
                    ? "checkpoint was taken without a learning-rate scheduler, and this training has one"
                    : "checkpoint was taken with a learning-rate scheduler, and this training has none")
            }
            guard checkpoint.globalStep >= 0, checkpoint.schedulerSteps ?? 0 >= 0 else {
                throw LoaderError(.mismatch, "checkpoint has a negative step count: \(checkpoint.globalStep) steps, scheduler \(checkpoint.schedulerSteps ?? 0)")
            }
            // Last of the checks, since it applies the optimizer's state when it passes.
            try optimizer.restore(checkpoint.optimizer)
        } catch var error as LoaderError {
            if error.path == nil { error.path = checkpoint.path }
            throw error
        }
        for (saved, parameter) in zip(checkpoint.tensors, model.state) { parameter.value.scalars = saved.values }
        model.generators = checkpoint.generators
        if let steps = checkpoint.schedulerSteps { scheduler?.restore(steps: steps) }
        steps = checkpoint.globalStep
        epochInProgress = checkpoint.epochInProgress
    }
}
