import Foundation
import Loaders
import Testing
import Training

/// The README's "Training" code, run word for word on the first 640 MNIST training images, and
/// compared with the README so that neither drifts from the other.
@Suite struct ReadmeTrainingTests {
    @Test func theReadmesTrainingCodeRunsAsWritten() async throws {
        let train = try MNIST(directory: Fixtures.path("mnist"), split: .train).subset(Array(0..<640))
        // The README's code:
        let model = Sequential([
            Conv2d(inputChannels: 1, outputChannels: 32, kernelSize: 3, seed: 0), ReLU(), Flatten(),
            Linear(inputFeatures: 32 * 26 * 26, outputFeatures: 10, seed: 1),
        ])
        let trainer = Trainer(model: model, optimizer: Adam(model.parameters, learningRate: 0.001))
        let report = try await trainer.trainEpoch(
            DataLoader(train.normalized(mean: 0.1307, std: 0.3081), batchSize: 64, shuffle: true, workers: 2, seed: 42),
            epoch: 1)                                 // report.trainLoss, report.trainSeconds
        // End of the README's code.
        #expect(report.samples == 640)
        #expect(report.trainLoss < 2.3, "chance is ln 10 ≈ 2.30")   // one pass over ten batches already learns

        let readme = try String(contentsOf: Fixtures.root.deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## Training\n").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```swift\nimport Training\n\n").dropFirst().first?.components(separatedBy: "```").first)
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let code = try #require(source.components(separatedBy: "// The README's code:\n").dropFirst().first?
            .components(separatedBy: "        // End of the README's code.").first)
        let unindented = code.split(separator: "\n", omittingEmptySubsequences: false).map { $0.dropFirst(8) }.joined(separator: "\n")
        #expect(block == unindented)
    }
}
