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
        let batch = try Example.collate(examples, indices: Array(0..<500))
        let trainer = Trainer(model: restored, optimizer: SGD(restored.parameters, learningRate: 0), normalization: .mnist)
        let evaluation = try await trainer.evaluate(on: AsyncStream { $0.yield(batch); $0.finish() })
        #expect(evaluation.accuracy! > 0.8)
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

    /// Rates the optimizers would reject with a precondition are refused while parsing.
    @Test(arguments: [["--learning-rate", "-0.1"], ["--momentum", "-0.5"], ["--learning-rate", "nan"], ["--std", "inf"]])
    func aNegativeOrNonFiniteRateIsAValidationError(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try TrainCommand.parseAsRoot(["--epochs", "1"] + arguments) }
    }

    /// A test set whose samples the trained model cannot take (wine's 13 features against a model
    /// for 28×28 images) ends the command with status 1 before training, not a crash in a layer.
    @Test(arguments: ["linear", "cnn"])
    func aTestSetOfAnotherShapeIsAnError(_ model: String) async throws {
        let command = try #require(try TrainCommand.parseAsRoot([
            "--train", Self.fixture("mnist/t10k-images-idx3-ubyte.gz"), "--test", Self.fixture("wine.csv"),
            "--label-column", "target", "--model", model, "--epochs", "1", "--workers", "0",
        ]) as? TrainCommand)
        await #expect(throws: ExitCode.failure) { try await command.run() }
    }

    /// Single-channel images stored as `[N, H, W]` floats (here an IDX float32 file of six 5×5
    /// images) train the CNN: the command gives them their channel dimension, and the saved Conv2d
    /// weight has one input channel.
    @Test func theCNNTrainsOnImagesWithoutAChannelDimension() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rank2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func bigEndian(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
        var images: [UInt8] = [0, 0, 0x0D, 3] + bigEndian(6) + bigEndian(5) + bigEndian(5)
        for index in 0..<(6 * 25) { images += bigEndian(Float(index % 7).bitPattern) }
        let labels: [UInt8] = [0, 0, 0x08, 1] + bigEndian(6) + [0, 1, 0, 1, 0, 1]
        let imagesPath = directory.appendingPathComponent("x-images-idx3-ubyte").path
        try Data(images).write(to: URL(fileURLWithPath: imagesPath))
        try Data(labels).write(to: directory.appendingPathComponent("x-labels-idx1-ubyte"))
        let model = directory.appendingPathComponent("model.bin").path
        let command = try #require(try TrainCommand.parseAsRoot([
            "--train", imagesPath, "--model", "cnn", "--batch-size", "4", "--epochs", "1", "--workers", "0",
            "--json", "--save", model,
        ]) as? TrainCommand)
        try await command.run()
        let restored = Sequential([
            Conv2d(inputChannels: 1, outputChannels: 32, kernelSize: 3), ReLU(), Flatten(),
            Linear(inputFeatures: 32 * 3 * 3, outputFeatures: 2),
        ])
        try ModelFile.load(into: restored.parameters, from: model)
    }

    /// Training data without a sample (an IDX pair declaring zero images) is an error naming it.
    @Test func emptyTrainingDataIsAnError() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func bigEndian(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
        let imagesPath = directory.appendingPathComponent("x-images-idx3-ubyte").path
        try Data([0, 0, 0x08, 3] + bigEndian(0) + bigEndian(28) + bigEndian(28)).write(to: URL(fileURLWithPath: imagesPath))
        try Data([0, 0, 0x08, 1] + bigEndian(0)).write(to: directory.appendingPathComponent("x-labels-idx1-ubyte"))
        let command = try #require(try TrainCommand.parseAsRoot([
            "--train", imagesPath, "--model", "linear", "--epochs", "1", "--workers", "0",
        ]) as? TrainCommand)
        await #expect(throws: ExitCode.failure) { try await command.run() }
    }

    /// A label column holding a large number (70,000) does not size the output layer by its
    /// largest value unless --classes asks for it.
    @Test func aLargeLabelNeedsClasses() async throws {
        #expect(TrainCommand.inferredClassLimit == 65_536)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("labels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("large.csv").path
        try "x,label\n0.5,1\n0.25,70000\n".write(toFile: path, atomically: true, encoding: .utf8)
        let command = try #require(try TrainCommand.parseAsRoot([
            "--train", path, "--model", "linear", "--epochs", "1", "--workers", "0",
        ]) as? TrainCommand)
        await #expect(throws: ExitCode.failure) { try await command.run() }
    }

    @Test(arguments: [["--workers", "257"], ["--workers", "-1"], ["--threads", "0"], ["--threads", "100000"]])
    func outOfRangeThreadCountsAreRefused(arguments: [String]) {
        #expect(throws: (any Error).self) { try TrainCommand.parseAsRoot(arguments) }
    }
}
