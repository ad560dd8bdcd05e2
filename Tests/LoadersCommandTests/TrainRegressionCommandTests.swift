import ChildProcessSupport
import Foundation
import PlotSVGSupport
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

    /// The CSV's real-valued y read as class labels: refused with the line, the character column
    /// (after "-5.0,") and the value, pointing at --task regression.
    @Test func aRealTargetGivenToAClassifierNamesItsPlace() async throws {
        let outcome = try await TrainTaskCommandTests.run(["train", "--train", TrainCommandTests.fixture("training/line.csv"),
                                                           "--label-column", "y", "--epochs", "1"])
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("line.csv") && outcome.standardError.contains("line 2, column 6"), "\(outcome.standardError)")
        #expect(outcome.standardError.contains("24.67922742989862") && outcome.standardError.contains("regression"), "\(outcome.standardError)")
    }

    /// `#2` is the second column: the same run as naming it; a header that looks like a position
    /// stays a name; the CSV-only and binary-only target options are refused where they do not apply.
    @Test func targetColumnsByPositionAndMisplacedOptions() async throws {
        let csv = TrainCommandTests.fixture("training/line.csv")
        let common = ["train", "--train", csv, "--task", "regression", "--epochs", "2", "--batch-size", "10", "--json"]
        let (byName, byPosition) = (try await TrainTaskCommandTests.run(common + ["--target-column", "y"]),
                                    try await TrainTaskCommandTests.run(common + ["--target-column", "#2"]))
        #expect(byName.status == 0 && byPosition.status == 0, "\(byPosition.standardError)")
        let losses = { (output: String) in try TrainTaskCommandTests.jsonLines(output).map { $0["train_loss"] as? Double } }
        #expect(try losses(byName.standardOutput) == losses(byPosition.standardOutput))

        let zero = try await TrainTaskCommandTests.run(common + ["--target-column", "#0"])
        #expect(zero.status != 0 && zero.standardError.contains("#N names the Nth column"), "\(zero.standardError)")
        let targets = try await TrainTaskCommandTests.run(common + ["--targets", csv])
        #expect(targets.status == 1 && targets.standardError.contains("a CSV's targets are its columns"), "\(targets.standardError)")
        let h5 = TrainCommandTests.fixture("training/line.h5")
        let column = try await TrainTaskCommandTests.run(["train", "--train", h5, "--features", "/x", "--labels", "/y", "--task", "regression",
                                                          "--target-column", "y"])
        #expect(column.status == 1 && column.standardError.contains("--target-column chooses CSV columns"), "\(column.standardError)")
    }

    /// The seed's figure from one command: batch sizes 1, 10 and 20 trained from the same initial
    /// weights, drawn as three series named by their runs, each with one point per epoch at the
    /// epoch mean its JSON line reports.
    @Test func oneCommandDrawsTheBatchSizeComparison() async throws {
        let directory = try TrainTaskCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plot = directory.appendingPathComponent("compare.svg").path
        let outcome = try await TrainTaskCommandTests.run(["train", "--task", "regression", "--model", "linear", "--learning-rate", "0.01",
                                                           "--batch-size", "1,10,20", "--epochs", "4", "--workers", "0", "--json",
                                                           "--plot", plot] + Self.sources[0])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let lines = try TrainTaskCommandTests.jsonLines(outcome.standardOutput)
        let svg = try PlotSVG(try String(contentsOfFile: plot, encoding: .utf8))
        let series = svg.all("polyline", class: "series")
        #expect(series.map { $0.attributes["data-series"] } == ["batch 1", "batch 10", "batch 20"])
        for (run, line) in zip(["batch 1", "batch 10", "batch 20"], series) {
            let losses = lines.filter { $0["run"] as? String == run }.compactMap { $0["train_loss"] as? Double }
            #expect(losses.count == 4 && line.points.count == 4)
            for (point, loss) in zip(line.points, losses) {
                #expect(abs(point.y - PlotSVG.pixel(of: loss, on: svg.yTicks)) < 0.2, "\(run)")
            }
        }
    }
}
