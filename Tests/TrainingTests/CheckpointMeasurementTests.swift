import Foundation
import Loaders
import Testing
@testable import Training

/// The time and size of a checkpoint of the seed CNN with Adam, for Docs/Training.md; runs only
/// when asked: `CHECKPOINT_MEASURE=1 swift test --filter CheckpointMeasurementTests`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CHECKPOINT_MEASURE"] != nil))
struct CheckpointMeasurementTests {
    @Test func seedCNNWithAdam() async throws {
        let model = Sequential([
            Conv2d(inputChannels: 1, outputChannels: 32, kernelSize: 3, seed: 0), ReLU(), Flatten(),
            Linear(inputFeatures: 32 * 26 * 26, outputFeatures: 10, seed: 1),
        ])
        let trainer = Trainer(model: model, optimizer: Adam(model.parameters))
        var random = SeededGenerator(seed: 1)
        let batch = Batch(features: Tensor(shape: [64, 1, 28, 28], scalars: (0..<(64 * 784)).map { _ in Float.random(in: 0...1, using: &random) }),
                          labels: Tensor(shape: [64], scalars: (0..<64).map { _ in Int32.random(in: 0...9, using: &random) }))
        try trainer.trainStep(batch)
        let folder = try CheckpointRun.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let directory = CheckpointDirectory(folder, keep: 3)
        let clock = ContinuousClock()
        var writes: [Duration] = [], reads: [Duration] = []
        var path = ""
        for step in 1...20 {
            var checkpoint = trainer.checkpoint(completedEpochs: [], loaderState: Data(repeating: 0x20, count: 200), metadata: ["--model": "cnn"])
            checkpoint.globalStep = step
            let checkpointToSave = checkpoint
            writes.append(try clock.measure { path = try directory.save(checkpointToSave) })
            reads.append(try clock.measure { _ = try TrainingCheckpoint(contentsOf: path) })
        }
        let read = try TrainingCheckpoint(contentsOf: path)
        #expect(read.tensors.map { $0.values.map(\.bitPattern) } == model.state.map { $0.value.scalars.map(\.bitPattern) })
        #expect(read.optimizer == trainer.optimizer.state)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int
        func median(_ times: [Duration]) -> String {
            let sorted = times.sorted()
            let middle = (sorted[9] + sorted[10]) / 2
            return String(format: "%.2f ms", Double(middle.components.attoseconds) * 1e-15 + Double(middle.components.seconds) * 1e3)
        }
        print("seed CNN + Adam checkpoint: \(size) bytes (\(model.parameterCount) parameters); write (save, fsync, rename, keep 3) median of 20: \(median(writes)); read median of 20: \(median(reads))")
    }
}
