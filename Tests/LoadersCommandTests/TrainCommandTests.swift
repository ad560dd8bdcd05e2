import ArgumentParser
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Loaders
import Testing
@testable import loaders
import Training

@Suite struct TrainCommandTests {
    static func fixture(_ relative: String) -> String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(relative).path
    }

    @Test func lossPlotIsWellFormedSVGWithOnePointPerEpoch() throws {
        var plot = LossPlot()
        plot.title = "loss <&>"
        plot.batches = (1...100).map { ($0 * 10, 2.3 / Double($0)) }
        plot.epochs = [(500, 0.4), (1000, 0.1)]
        let svg = plot.svg
        let document = try XMLDocument(xmlString: svg)
        #expect(document.rootElement()?.name == "svg")
        #expect(svg.components(separatedBy: "<circle").count - 1 == 2)
        #expect(svg.contains("loss &lt;&amp;>"))
        // The batch line has one point per batch.
        let batchLine = try #require(svg.split(separator: "\n").first { $0.hasPrefix("<polyline") })
        let points = try #require(batchLine.split(separator: "\"").first { $0.contains(",") && !$0.contains("=") })
        #expect(points.split(separator: " ").count == 100)
    }

    /// `loaders train` end to end on the 10,000 test images: a linear model for one epoch, saved,
    /// plotted, then reloaded.
    @Test func trainsSavesAndPlots() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("train-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let (model, plot) = (directory.appendingPathComponent("model.bin").path, directory.appendingPathComponent("loss.svg").path)
        let command = try TrainCommand.parseAsRoot([
            "--train", Self.fixture("mnist/t10k-images-idx3-ubyte.gz"), "--model", "linear", "--optimizer", "sgd",
            "--epochs", "1", "--workers", "1", "--json", "--save", model, "--plot", plot,
        ])
        let train = try #require(command as? TrainCommand)
        try await train.run()

        let restored = Sequential([Flatten(), Linear(inputFeatures: 784, outputFeatures: 10)])
        try ModelFile.load(into: restored.parameters, from: model)
        #expect(restored.parameters.map(\.name) == ["1.weight", "1.bias"])
        let svg = try String(contentsOfFile: plot, encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.components(separatedBy: "<circle").count == 2)

        // The saved model, tested on the data it was trained on, beats chance by far.
        let examples = try MNIST(directory: Self.fixture("mnist"), split: .test).samples(at: Array(0..<500))
        let batch = Batch(features: Tensor(shape: [500, 1, 28, 28], scalars: examples.flatMap { $0.features.scalars.map { ($0 - 0.1307) / 0.3081 } }),
                          labels: Tensor(shape: [500], scalars: examples.map { Int32($0.label) }))
        let trainer = Trainer(model: restored, optimizer: SGD(restored.parameters, learningRate: 0))
        #expect(trainer.correctCount(batch) > 400)
    }

    /// Wine's `target` holds 0, 1 and 2 (../shared/datasets/README.md): without --classes the model
    /// gets three outputs, which the saved parameters' shapes show.
    @Test func classesDefaultToOneMoreThanTheLargestLabel() async throws {
        let model = FileManager.default.temporaryDirectory.appendingPathComponent("wine-\(UUID().uuidString).bin").path
        defer { try? FileManager.default.removeItem(atPath: model) }
        let command = try #require(try TrainCommand.parseAsRoot([
            "--train", Self.fixture("wine.csv"), "--label-column", "target", "--model", "mlp", "--hidden", "10,10",
            "--optimizer", "adam", "--batch-size", "32", "--epochs", "1", "--workers", "0", "--json", "--save", model,
        ]) as? TrainCommand)
        try await command.run()
        let restored = Sequential([
            Flatten(), Linear(inputFeatures: 13, outputFeatures: 10), ReLU(), Linear(inputFeatures: 10, outputFeatures: 10), ReLU(),
            Linear(inputFeatures: 10, outputFeatures: 3),
        ])
        try ModelFile.load(into: restored.parameters, from: model)
    }

    /// A label the model has no output for ends the command with status 1, not a crash.
    @Test func aLabelBeyondClassesIsAnError() async throws {
        let command = try #require(try TrainCommand.parseAsRoot([
            "--train", Self.fixture("wine.csv"), "--label-column", "target", "--model", "linear", "--classes", "2",
            "--epochs", "1", "--workers", "0",
        ]) as? TrainCommand)
        await #expect(throws: ExitCode.failure) { try await command.run() }
    }
}
