import Loaders
import Testing
@testable import Training

/// `LearningRateScheduler` inside a `Trainer`: stepped once per batch or once per epoch.
@Suite struct SchedulerTests {
    static func setUp(interval: LearningRateScheduler.Interval) throws -> (Trainer, LearningRateScheduler, TestBatches) {
        let model = Linear(inputFeatures: 3, outputFeatures: 2, seed: 1)
        let optimizer = SGD(model.parameters, learningRate: 0.1)
        let schedule = StepLR(stepSize: 1, gamma: 0.5)
        let scheduler = LearningRateScheduler(schedule, optimizer: optimizer, interval: interval)
        let examples = (0..<10).map { index in
            Example(features: Tensor(shape: [3], scalars: [Float(index), 1, -1]), label: index % 2)
        }
        return (Trainer(model: model, optimizer: optimizer, scheduler: scheduler), scheduler, try TestBatches(examples, size: 4))
    }

    @Test func perBatch() async throws {
        let (trainer, scheduler, batches) = try Self.setUp(interval: .batch)
        _ = try await trainer.trainEpoch(batches, epoch: 1)
        #expect(scheduler.steps == 3)
        #expect(trainer.optimizer.learningRate == Float(0.1 * 0.125))
    }

    @Test func perEpoch() async throws {
        let (trainer, scheduler, batches) = try Self.setUp(interval: .epoch)
        #expect(trainer.optimizer.learningRate == 0.1)
        _ = try await trainer.trainEpoch(batches, epoch: 1)
        _ = try await trainer.trainEpoch(batches, epoch: 2)
        #expect(scheduler.steps == 2)
        #expect(trainer.optimizer.learningRate == Float(0.1 * 0.25))
    }

    /// One-cycle starts at `maxLR / divFactor` whatever rate the optimizer was made with.
    @Test func oneCycleSetsTheStartingRate() {
        let optimizer = Adam([Parameter(name: "p", value: Tensor(shape: [1], repeating: 0))], learningRate: 0.5)
        _ = LearningRateScheduler(OneCycleLR(maxLR: 1, totalSteps: 10), optimizer: optimizer, interval: .batch)
        #expect(optimizer.learningRate == 0.04)
    }
}
