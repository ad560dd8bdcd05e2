import Foundation
import Loaders
import Testing
@testable import Training

@Suite struct CheckpointResumeTests {
    typealias Run = CheckpointRun

    @Test(arguments: Run.OptimizerKind.allCases)
    func theSameSeedGivesTheSameParametersBitForBit(_ kind: Run.OptimizerKind) throws {
        let batches = Run.batches(Run.totalSteps)
        let first = Run.trainer(kind), second = Run.trainer(kind)
        try Run.train(first, on: batches)
        try Run.train(second, on: batches)
        #expect(Run.Fingerprint(first) == Run.Fingerprint(second))
        // Training moved the parameters, the optimizer and dropout's generator.
        let untrained = Run.trainer(kind)
        #expect(Run.Fingerprint(first).tensors != Run.Fingerprint(untrained).tensors)
        #expect(first.model.generators == [GeneratorState(seed: 0xDEAD_BEEF_CAFE_F00D, position: UInt64(Run.totalSteps))])
        #expect(first.steps == Run.totalSteps)
    }

    /// N steps, a checkpoint through a file, a fresh trainer restored from it and M more steps
    /// give what N + M steps without a break give.
    @Test(arguments: Run.OptimizerKind.allCases, [1, 5])
    func stepsAfterARestoreAreThoseOfAnUninterruptedRun(_ kind: Run.OptimizerKind, _ before: Int) throws {
        let batches = Run.batches(Run.totalSteps)
        let uninterrupted = Run.trainer(kind)
        try Run.train(uninterrupted, on: batches)

        let interrupted = Run.trainer(kind)
        try Run.train(interrupted, on: batches.prefix(before))
        let folder = try Run.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/run.ckpt"
        try interrupted.checkpoint(completedEpochs: []).write(to: path)

        let resumed = Run.trainer(kind)
        try resumed.restore(from: TrainingCheckpoint(contentsOf: path))
        #expect(Run.Fingerprint(resumed) == Run.Fingerprint(interrupted))
        try Run.train(resumed, on: batches.dropFirst(before))
        #expect(Run.Fingerprint(resumed) == Run.Fingerprint(uninterrupted))

        // Parameters alone are not enough: the optimizer's buffers, dropout's generator and the
        // schedule's step all change what comes next.
        let parametersOnly = Run.trainer(kind)
        for (target, source) in zip(parametersOnly.model.state, interrupted.model.state) { target.value.scalars = source.value.scalars }
        try Run.train(parametersOnly, on: batches.dropFirst(before))
        #expect(Run.Fingerprint(parametersOnly).tensors != Run.Fingerprint(uninterrupted).tensors)
    }

    /// A checkpoint taken from `onBatch` mid-epoch, restored into a fresh trainer that trains the
    /// rest of the epoch, reports the epoch as an uninterrupted run does.
    @Test(arguments: [Run.OptimizerKind.adam, .sgd])
    func anEpochResumedMidwayReportsTheSameLoss(_ kind: Run.OptimizerKind) async throws {
        let batches = Run.batches(7)
        let whole = Run.trainer(kind)
        let wholeReport = try await whole.trainEpoch(TestBatches(batches: batches), epoch: 1)

        let first = Run.trainer(kind)
        var saved: TrainingCheckpoint?
        let loaderState = Data("{\"batch\":3}".utf8)
        _ = try await first.trainEpoch(TestBatches(batches: batches), epoch: 1) { progress in
            if progress.batch == 3 {
                saved = first.checkpoint(completedEpochs: [], loaderState: loaderState, metadata: ["--epochs": "1"])
            }
        }
        let checkpoint = try #require(saved)
        #expect(checkpoint.epochInProgress?.batches == 3 && checkpoint.epochInProgress?.samples == 3 * Run.batchSize)
        #expect(checkpoint.globalStep == 3 && checkpoint.schedulerSteps == 3 && checkpoint.epoch == 1)
        #expect(first.epochInProgress == nil)

        let resumed = Run.trainer(kind)
        try resumed.restore(from: checkpoint)
        #expect(resumed.epochInProgress == checkpoint.epochInProgress)
        let report = try await resumed.trainEpoch(TestBatches(batches: Array(batches.dropFirst(3))), epoch: 1, resuming: checkpoint.epochInProgress)
        #expect(report.trainLoss.bitPattern == wholeReport.trainLoss.bitPattern)
        #expect(report.samples == wholeReport.samples)
        #expect(Run.Fingerprint(resumed) == Run.Fingerprint(whole))
    }

    @Test func aCheckpointOfAnotherShapeIsAMismatchNamingTheFileAndTheParameter() throws {
        let folder = try Run.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/three.ckpt"
        try Run.trainer(.adam).checkpoint(completedEpochs: []).write(to: path)
        let checkpoint = try TrainingCheckpoint(contentsOf: path)

        let other = Run.trainer(.adam, outputs: 4)
        let before = Run.Fingerprint(other)
        let error = try #require(throws: LoaderError.self) { try other.restore(from: checkpoint) }
        #expect(error.code == .mismatch && error.path == path)
        #expect(error.message == "checkpoint has 5.weight [3, 144] where the model has 5.weight [4, 144]")
        #expect(Run.Fingerprint(other) == before)
    }

    @Test func anotherOptimizerOrNoSchedulerIsAMismatchAndChangesNothing() throws {
        let trained = Run.trainer(.adam)
        try Run.train(trained, on: Run.batches(2))
        var checkpoint = trained.checkpoint(completedEpochs: [])
        checkpoint.path = "run/checkpoint-000002.ckpt"

        let sgd = Run.trainer(.sgd)
        let before = Run.Fingerprint(sgd)
        let error = try #require(throws: LoaderError.self) { try sgd.restore(from: checkpoint) }
        #expect(error.code == .mismatch && error.path == "run/checkpoint-000002.ckpt")
        #expect(error.message == "optimizer state holds Adam, the optimizer is SGD")
        #expect(Run.Fingerprint(sgd) == before)

        let model = Run.model()
        let unscheduled = Trainer(model: model, optimizer: Run.optimizer(.adam, model.parameters))
        let noScheduler = try #require(throws: LoaderError.self) { try unscheduled.restore(from: checkpoint) }
        #expect(noScheduler.message == "checkpoint was taken with a learning-rate scheduler, and this training has none")

        // The same parameters, with a ReLU where dropout was.
        let plain = Sequential([Conv2d(inputChannels: 1, outputChannels: 4, kernelSize: 3, seed: 11), BatchNorm2d(features: 4), ReLU(),
                                ReLU(), Flatten(), Linear(inputFeatures: 4 * 6 * 6, outputFeatures: 3, seed: 12)])
        let optimizer = Run.optimizer(.adam, plain.parameters)
        let withoutDropout = Trainer(model: plain, optimizer: optimizer,
                                     scheduler: LearningRateScheduler(OneCycleLR(maxLR: 0.04, totalSteps: 12), optimizer: optimizer, interval: .batch))
        let generators = try #require(throws: LoaderError.self) { try withoutDropout.restore(from: checkpoint) }
        #expect(generators.message == "checkpoint has 1 random generators, the model 0")
    }
}
