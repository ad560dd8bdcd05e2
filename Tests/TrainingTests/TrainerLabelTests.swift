import Loaders
import Testing
import Training

/// A label outside the model's classes is bad data, so training reports it instead of stopping
/// the process, and leaves the model as it was.
@Suite struct TrainerLabelTests {
    @Test(arguments: [Int32(3), -1])
    func aLabelOutsideTheClassesIsATypedErrorAndChangesNothing(label: Int32) async throws {
        let model = Sequential([Linear(inputFeatures: 2, outputFeatures: 3, seed: 1)])
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters, learningRate: 0.5))
        let before = model.parameters.map(\.value)
        let examples = [Example(features: Tensor(shape: [2], scalars: [1, 2]), label: 0),
                        Example(features: Tensor(shape: [2], scalars: [3, 4]), label: Int(label))]
        let batches = try TestBatches(examples, size: 2)
        do {
            try trainer.trainStep(batches.batches[0])
            Issue.record("label \(label) of 3 classes was trained on")
        } catch let error as LoaderError {
            #expect(error.code == .mismatch)
            #expect(error.message.contains("label \(label) in row 1"))
            #expect(error.message.contains("0..<3"))
        }
        #expect(model.parameters.map(\.value) == before)
        await #expect(throws: LoaderError.self) {
            _ = try await trainer.trainEpoch(batches, epoch: 1)
        }
    }
}
