import Foundation
import Loaders
@testable import Training

/// A small run for the checkpoint tests: a CNN with batch normalisation and dropout, one of the
/// four optimizers, a schedule stepped every batch, and synthetic batches.
enum CheckpointRun {
    enum OptimizerKind: String, CaseIterable, Sendable {
        case sgd, adam, rmsprop, adadelta
    }

    static let batchSize = 8
    static let totalSteps = 12

    /// A model made from fixed seeds: two calls give identical models.
    static func model(outputs: Int = 3) -> Sequential {
        Sequential([
            Conv2d(inputChannels: 1, outputChannels: 4, kernelSize: 3, seed: 11), BatchNorm2d(features: 4), ReLU(),
            Dropout(probability: 0.25, seed: 0xDEAD_BEEF_CAFE_F00D), Flatten(),
            Linear(inputFeatures: 4 * 6 * 6, outputFeatures: outputs, seed: 12),
        ])
    }

    static func optimizer(_ kind: OptimizerKind, _ parameters: [Parameter]) -> any Optimizer {
        switch kind {
        case .sgd: SGD(parameters, learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4)
        case .adam: Adam(parameters, learningRate: 0.01, weightDecay: 1e-4)
        case .rmsprop: RMSprop(parameters, learningRate: 0.005, momentum: 0.5, centered: true)
        case .adadelta: Adadelta(parameters, weightDecay: 1e-4)
        }
    }

    /// A fresh trainer: model, optimizer and a one-cycle schedule over `totalSteps` batches
    /// (cycling the momentum where the optimizer has one).
    static func trainer(_ kind: OptimizerKind, outputs: Int = 3) -> Trainer {
        let model = model(outputs: outputs)
        let optimizer = optimizer(kind, model.parameters)
        let schedule = OneCycleLR(maxLR: Double(optimizer.learningRate) * 4, totalSteps: totalSteps, cycleMomentum: kind != .adadelta)
        let scheduler = LearningRateScheduler(schedule, optimizer: optimizer, interval: .batch)
        return Trainer(model: model, optimizer: optimizer, scheduler: scheduler)
    }

    /// `count` batches of `[8, 1, 8, 8]` images with labels 0...2, from `SeededGenerator`.
    static func batches(_ count: Int, seed: UInt64 = 5) -> [Batch] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let features = (0..<(batchSize * 64)).map { _ in Float.random(in: -1...1, using: &random) }
            let labels = (0..<batchSize).map { _ in Int32.random(in: 0...2, using: &random) }
            return Batch(features: Tensor(shape: [batchSize, 1, 8, 8], scalars: features), labels: Tensor(shape: [batchSize], scalars: labels))
        }
    }

    /// Trains one step per batch, stepping the schedule as `trainEpoch` does.
    static func train(_ trainer: Trainer, on batches: some Sequence<Batch>) throws {
        for batch in batches {
            try trainer.trainStep(batch)
            trainer.scheduler?.step()
        }
    }

    /// Every bit of the trainer's state that later steps depend on, for exact comparison.
    struct Fingerprint: Equatable {
        var tensors: [String: [UInt32]]
        var optimizerBuffers: [String: [[UInt32]]]
        var optimizerSteps: Int
        var learningRate: UInt32
        var momentum: UInt32?
        var generators: [GeneratorState]
        var schedulerSteps: Int?
        var globalStep: Int

        init(_ trainer: Trainer) {
            tensors = Dictionary(uniqueKeysWithValues: trainer.model.state.map { ($0.name, $0.value.scalars.map(\.bitPattern)) })
            let state = trainer.optimizer.state
            optimizerBuffers = Dictionary(uniqueKeysWithValues: state.buffers.map { ($0.name, $0.values.map { $0.map(\.bitPattern) }) })
            optimizerSteps = state.steps
            learningRate = state.learningRate.bitPattern
            momentum = state.momentum?.bitPattern
            generators = trainer.model.generators
            schedulerSteps = trainer.scheduler?.steps
            globalStep = trainer.steps
        }
    }

    static func temporaryFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }
}
