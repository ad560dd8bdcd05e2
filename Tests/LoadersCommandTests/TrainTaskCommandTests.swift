import ChildProcessSupport
import Foundation
import Loaders
import Testing
import Training

/// `loaders train` and `loaders evaluate` beyond MNIST: a tabular classifier standardised on its
/// training rows, validation splits, several runs in one command, saved models evaluated from the
/// file alone.
@Suite struct TrainTaskCommandTests {
    static let wine = TrainCommandTests.fixture("wine.csv")

    static func run(_ arguments: [String]) async throws -> ChildProcess.Outcome {
        // A generous deadline turns a hang into a failure instead of a stuck test run.
        try await ChildProcess.run(LoadersTool.executable, arguments, environment: LoadersTool.environment, deadline: .seconds(600))
    }

    static func jsonLines(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("task-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// The wine seed program from the command line: 13-10-10-3, Adam, batches of 32, features
    /// standardised, a fifth held out. The standardisation is fitted on the 142 training rows only:
    /// the saved means are those rows' means (computed here in Double from the CSV's values), not
    /// the whole file's.
    @Test func wineStandardisedOnItsTrainingRowsLearnsOnAValidationSplit() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let saved = directory.appendingPathComponent("wine.bin").path
        let outcome = try await Self.run([
            "train", "--train", Self.wine, "--label-column", "target", "--model", "mlp", "--hidden", "10,10",
            "--optimizer", "adam", "--batch-size", "32", "--epochs", "150", "--standardize", "--validation-split", "0.2",
            "--seed", "3", "--workers", "1", "--json", "--save", saved,
        ])
        #expect(outcome.reason == .exit && outcome.status == 0, "\(outcome.standardError)")
        let lines = try Self.jsonLines(outcome.standardOutput)
        #expect(lines.count == 150)
        let last = try #require(lines.last)
        #expect(last["test_accuracy"] == nil && last["validation_loss"] is Double)
        #expect(try #require(last["validation_accuracy"] as? Double) >= 0.9)

        let wine = try CSVDataset(Self.wine, labelColumn: "target")
        let training = wine.randomSplit(counts: [142, 36], seed: 3)[0]
        let rows = try training.samples(at: Array(0..<142)).map(\.features.scalars)
        let metadata = try ModelFile.metadata(at: saved)
        let means = try #require(metadata["normalization_mean"]).split(separator: ",").map { Double($0)! }
        #expect(means.count == 13)
        for column in 0..<13 {
            let mean = rows.reduce(0.0) { $0 + Double($1[column]) } / 142
            #expect(abs(means[column] - mean) <= 1e-6 * abs(mean), "column \(column)")
        }
        let everyRow = try wine.samples(at: Array(0..<178)).reduce(0.0) { $0 + Double($1.features.scalars[12]) } / 178
        #expect(abs(means[12] - everyRow) > 1)   // proline: the held-out rows move the mean
        #expect(metadata["task"] == "classification" && metadata["spec"] == "flatten linear(10) relu linear(10) relu linear(3)")
    }

    /// `--batch-size 8,32` trains two runs from the same initial weights, each line naming its run;
    /// the same command gives the same lines again.
    @Test func severalBatchSizesAreSeveralReproducibleRuns() async throws {
        let arguments = ["train", "--train", Self.wine, "--label-column", "target", "--standardize", "--epochs", "3",
                         "--batch-size", "8,32", "--optimizer", "adam", "--workers", "2", "--json"]
        let (first, second) = (try await Self.run(arguments), try await Self.run(arguments))
        #expect(first.status == 0, "\(first.standardError)")
        let lines = try Self.jsonLines(first.standardOutput)
        #expect(lines.map { $0["run"] as? String } == ["batch 8", "batch 8", "batch 8", "batch 32", "batch 32", "batch 32"])
        #expect(lines.map { $0["epoch"] as? Int } == [1, 2, 3, 1, 2, 3])
        #expect(lines.map { $0["batch_size"] as? Int } == [8, 8, 8, 32, 32, 32])
        // Without a test set nothing is measured, and the keys say so.
        #expect(lines.allSatisfy { $0["test_accuracy"] is NSNull })
        // The lines' text without the timings (our JSON keeps its keys in order).
        let untimed = { (output: String) in
            output.replacingOccurrences(of: #","train_seconds":[^,]*,"samples_per_second":[^}]*"#, with: "", options: .regularExpression)
        }
        #expect(untimed(first.standardOutput).contains("train_loss"))
        #expect(untimed(first.standardOutput) == untimed(second.standardOutput))
    }

    /// A saved model is measured from its file alone: loss, accuracy, and a confusion matrix whose
    /// rows count each cultivar's rows in the file (59, 71 and 48, as the UCI wine data has them);
    /// the predictions file has one line per sample.
    @Test func evaluateRebuildsTheModelFromItsFile() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let (saved, predictions) = (directory.appendingPathComponent("m.bin").path, directory.appendingPathComponent("p.csv").path)
        let train = try await Self.run(["train", "--train", Self.wine, "--label-column", "target", "--standardize", "--epochs", "20",
                                        "--optimizer", "adam", "--batch-size", "16", "--save", saved, "--json"])
        #expect(train.status == 0, "\(train.standardError)")
        let readable = try await Self.run(["evaluate", "--load", saved, "--test", Self.wine, "--label-column", "target",
                                           "--predictions", predictions])
        #expect(readable.status == 0, "\(readable.standardError)")
        let table = readable.standardOutput.split(separator: "\n").drop { !$0.hasPrefix("confusion matrix") }.dropFirst(2).prefix(3)
        let rowSums = table.map { $0.split(separator: " ").dropFirst().compactMap { Int($0) }.reduce(0, +) }
        #expect(rowSums == [59, 71, 48], "\(readable.standardOutput)")
        let lines = try String(contentsOfFile: predictions, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "sample,target,predicted" && lines.count == 179)

        let json = try await Self.run(["evaluate", "--load", saved, "--test", Self.wine, "--label-column", "target", "--json"])
        let object = try #require(try Self.jsonLines(json.standardOutput).first)
        let correct = lines.dropFirst().filter { $0.split(separator: ",")[1] == $0.split(separator: ",")[2] }.count
        #expect(object["samples"] as? Int == 178)
        #expect(object["test_accuracy"] as? Double == Double(correct) / 178)
    }

    /// A model file without the description `train --save` writes cannot be evaluated, and says why.
    @Test func evaluateRefusesAFileWithoutItsModel() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let saved = directory.appendingPathComponent("bare.bin").path
        try ModelFile.save(Sequential([Flatten(), Linear(inputFeatures: 13, outputFeatures: 3)]).state, to: saved)
        let outcome = try await Self.run(["evaluate", "--load", saved, "--test", Self.wine, "--label-column", "target"])
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains(saved) && outcome.standardError.contains("does not say how to rebuild"))
    }

    @Test(arguments: [
        (["--task", "classification", "--loss", "mse"], "--loss mse is for regression"),
        (["--validation-split", "1.5"], "--validation-split must be a fraction"),
        (["--batch-size", "8,32", "--save", "x.bin"], "--save keeps one model"),
        (["--batch-size", "8,0"], "--batch-size must be positive integers"),
        (["--standardize", "--mean", "0.5"], "--standardize fits the mean and std"),
        (["--task", "regression", "--classes", "3"], "--classes is for classification"),
    ])
    func optionsThatContradictAreRefused(_ arguments: [String], _ message: String) async throws {
        let outcome = try await Self.run(["train", "--train", Self.wine, "--label-column", "target"] + arguments)
        #expect(outcome.status != 0)
        #expect(outcome.standardError.contains(message), "\(outcome.standardError)")
    }
}
