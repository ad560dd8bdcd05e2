import ChildProcessSupport
import Foundation
import Loaders
import Testing
import Training

/// The first seed program from the command line: y = −5x + noise as a CSV written by Python's csv
/// module and as HDF5 written by h5py (Fixtures/training/make_line.py, with numpy's least-squares
/// fit in line.json), regressed by `loaders train --task regression` and measured by
/// `loaders evaluate`.
@Suite struct TrainRegressionCommandTests {
    struct Fit: Decodable { var slope: Double, intercept: Double, r2: Double }
    static let fit = try! JSONDecoder().decode(Fit.self, from: Data(contentsOf: URL(fileURLWithPath: TrainCommandTests.fixture("training/line.json"))))

    static let sources: [[String]] = [
        ["--train", TrainCommandTests.fixture("training/line.csv"), "--target-column", "y"],
        ["--train", TrainCommandTests.fixture("training/line.h5"), "--features", "/x", "--labels", "/y"],
    ]

    /// A linear model trained with SGD (0.01, batches of 10, 40 epochs) finds numpy's slope within
    /// 0.05 (and −5 within 0.1); evaluated from the saved file, its R² is numpy's within 0.01.
    @Test(arguments: sources)
    func theSlopeIsRecoveredFromAFile(source: [String]) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let directory = try TrainTaskCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let saved = directory.appendingPathComponent("line.bin").path
        let train = try await TrainTaskCommandTests.run(["train", "--task", "regression", "--model", "linear", "--optimizer", "sgd",
                                                         "--learning-rate", "0.01", "--batch-size", "10", "--epochs", "40",
                                                         "--workers", "1", "--json", "--save", saved] + source)
        #expect(train.status == 0, "\(train.standardError)")
        let lines = try TrainTaskCommandTests.jsonLines(train.standardOutput)
        #expect(lines.count == 40)
        #expect(lines.last?["test_rmse"] is NSNull)   // nothing to measure on: no test set was given

        let model = Sequential([Flatten(), Linear(inputFeatures: 1, outputFeatures: 1)])
        try ModelFile.load(into: model.state, from: saved)
        let slope = Double(model.parameters[0].value.scalars[0])
        #expect(abs(slope + 5) < 0.1 && abs(slope - Self.fit.slope) < 0.05, "slope \(slope)")
        #expect(try ModelFile.metadata(at: saved)["task"] == "regression")

        let evaluate = try await TrainTaskCommandTests.run(["evaluate", "--load", saved, "--test", source[1], "--json"] + source.dropFirst(2))
        #expect(evaluate.status == 0, "\(evaluate.standardError)")
        let measured = try #require(try TrainTaskCommandTests.jsonLines(evaluate.standardOutput).first)
        #expect(abs(try #require(measured["test_r2"] as? Double) - Self.fit.r2) < 0.01)
        #expect(measured["samples"] as? Int == 100)
    }

    /// Held-out metrics per epoch on a validation split, in the readable form and as JSON keys.
    @Test func aValidationSplitIsMeasuredEachEpoch() async throws {
        let outcome = try await TrainTaskCommandTests.run(["train", "--task", "regression", "--validation-split", "0.2", "--epochs", "5",
                                                           "--batch-size", "10", "--workers", "0"] + Self.sources[0])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let lines = outcome.standardOutput.split(separator: "\n")
        #expect(lines.first?.contains("measuring on 20 validation samples") == true, "\(outcome.standardOutput)")
        #expect(lines.filter { $0.hasPrefix("epoch ") && $0.contains("validation loss") && $0.contains("RMSE") && $0.contains("R²") }.count == 5)
    }

    /// The CSV's real-valued y read as class labels: refused with the place and the value, pointing
    /// at --task regression.
    @Test func aRealTargetGivenToAClassifierNamesItsPlace() async throws {
        let outcome = try await TrainTaskCommandTests.run(["train", "--train", TrainCommandTests.fixture("training/line.csv"),
                                                           "--label-column", "y", "--epochs", "1"])
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("line.csv") && outcome.standardError.contains("line 2, column 2"), "\(outcome.standardError)")
        #expect(outcome.standardError.contains("24.67922742989862") && outcome.standardError.contains("regression"), "\(outcome.standardError)")
    }
}
