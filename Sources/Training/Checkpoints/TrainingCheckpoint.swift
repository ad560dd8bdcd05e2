import Foundation
import Loaders

/// Everything needed to carry on training exactly where it stopped: the model's parameters and
/// buffers, the optimizer's state, the layers' random generators, the scheduler's step, the data
/// loader's position, where training is (epoch, batch within it, global step) and the metrics so far.
///
/// Made by `Trainer.checkpoint(completedEpochs:loaderState:metadata:)`, taken up by
/// `Trainer.restore(from:)`; `write(to:)` and `init(contentsOf:)` keep it in a file (see
/// `TrainingCheckpoint+File.swift` for the layout), `CheckpointDirectory` keeps the last few.
///
/// ```swift
/// let checkpoint = trainer.checkpoint(completedEpochs: reports, loaderState: try JSONEncoder().encode(loader.state))
/// try checkpoint.write(to: "run/checkpoint-000300.ckpt")
/// try trainer.restore(from: TrainingCheckpoint(contentsOf: "run/checkpoint-000300.ckpt"))
/// ```
public struct TrainingCheckpoint: Sendable {
    /// A named tensor of the model's state, as `ModelFile` saves it.
    public struct SavedTensor: Sendable, Equatable {
        public var name: String
        public var shape: [Int]
        public var values: [Float]

        public init(name: String, shape: [Int], values: [Float]) {
            self.name = name
            self.shape = shape
            self.values = values
        }
    }

    /// The model's `state`: its parameters, then its buffers.
    public var tensors: [SavedTensor]
    public var optimizer: OptimizerState
    /// The model's `generators`.
    public var generators: [GeneratorState]
    /// The scheduler's step count; nil when training has no scheduler.
    public var schedulerSteps: Int?
    /// Optimizer steps taken over the whole run.
    public var globalStep: Int
    /// The report of every finished epoch, first to last.
    public var completedEpochs: [EpochReport]
    /// The epoch interrupted between batches, with its sums so far; nil between epochs.
    public var epochInProgress: EpochProgress?
    /// The data loader's position as the loader encodes it; the checkpoint keeps it as it is.
    public var loaderState: Data
    /// The run's settings (the `loaders` tool keeps its flags here), so that a resumed run can be
    /// made like the first.
    public var metadata: [String: String]
    /// The file the checkpoint was read from, which errors about it name.
    public internal(set) var path: String?

    public init(
        tensors: [SavedTensor], optimizer: OptimizerState, generators: [GeneratorState], schedulerSteps: Int?,
        globalStep: Int, completedEpochs: [EpochReport], epochInProgress: EpochProgress?, loaderState: Data,
        metadata: [String: String]
    ) {
        self.tensors = tensors
        self.optimizer = optimizer
        self.generators = generators
        self.schedulerSteps = schedulerSteps
        self.globalStep = globalStep
        self.completedEpochs = completedEpochs
        self.epochInProgress = epochInProgress
        self.loaderState = loaderState
        self.metadata = metadata
    }

    /// The epoch training is in: the interrupted one, or the one after the last finished.
    public var epoch: Int { epochInProgress?.epoch ?? completedEpochs.count + 1 }
}
