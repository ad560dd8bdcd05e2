import ChildProcessSupport
import Foundation
import PlotSVGSupport
import Loaders
import Testing
@testable import loaders

/// `loaders plot` over JSON lines of `loaders train --json`, and `loaders train --plot`, read back
/// from the SVG they write.
@Suite struct PlotCommandTests {
    /// A fresh folder holding `files` (name and text), removed by the caller.
    static func folder(_ files: [(String, String)]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plot-command-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in files {
            try Data(text.utf8).write(to: folder.appendingPathComponent(name))
        }
        return folder
    }

    /// Runs `loaders arguments…` in a child process, as a user does.
    static func loaders(_ arguments: [String]) async throws -> ChildProcess.Outcome {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let outcome = try await ChildProcess.run(LoadersTool.executable, arguments, environment: LoadersTool.environment,
                                                 deadline: .seconds(300))
        #expect(!outcome.timedOut)
        return outcome
    }

    /// The values of `key` in JSON lines, as Python's json module would read them.
    static func values(of key: String, in text: String) throws -> [Double] {
        try text.split(whereSeparator: \.isNewline).compactMap { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return (object[key] as? NSNumber)?.doubleValue
        }
    }

    /// Three files, three runs: one series each, named by its "run" (or by its file when it has
    /// none), each point where its epoch and loss belong. Lines of other kinds, blank lines, CRLF
    /// line ends and a null metric are taken in stride; a "nan" loss is not drawn.
    @Test func threeFilesMakeThreeSeriesNamedByTheirRuns() throws {
        let losses: [[Double]] = [[56, 20, 9.5, 4, 1.25], [30, 2.5, 0.75], [12, 6, 3, 1.5]]
        func lines(_ run: String?, _ values: [Double]) -> String {
            values.enumerated().map { epoch, loss in
                "{\"epoch\":\(epoch + 1),\(run.map { "\"run\":\"\($0)\"," } ?? "")\"train_loss\":\(loss),\"test_accuracy\":null}"
            }.joined(separator: "\n") + "\n"
        }
        let folder = try Self.folder([
            ("stochastic.jsonl", "{\"kind\":\"start\"}\n" + lines("batch 1", losses[0]) + "\n   \n"),
            ("minibatch10.jsonl", lines("batch 10", losses[1]).replacingOccurrences(of: "\n", with: "\r\n")
                + "{\"epoch\":4,\"run\":\"batch 10\",\"train_loss\":\"nan\"}\n"),
            ("batch20.jsonl", lines(nil, losses[2])),
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("compare.svg").path
        let command = try #require(try PlotCommand.parseAsRoot(
            ["stochastic.jsonl", "minibatch10.jsonl", "batch20.jsonl"].map { folder.appendingPathComponent($0).path }
                + ["--out", out, "--title", "loss of stochastic vs mini-batch 10 vs mini-batch 20"]) as? PlotCommand)
        try command.run()

        let svg = try PlotSVG(try String(contentsOfFile: out, encoding: .utf8))
        let series = svg.all("polyline", class: "series")
        #expect(series.map { $0.attributes["data-series"] } == ["batch 1", "batch 10", "batch20"])
        #expect(svg.texts(in: "legend").map(\.text) == ["batch 1", "batch 10", "batch20"])
        #expect(series.map(\.points.count) == losses.map(\.count))
        #expect(svg.all("text", class: "note").map(\.text) == ["1 value not drawn (not finite)"])
        #expect(svg.all("text").contains { $0.text == "loss of stochastic vs mini-batch 10 vs mini-batch 20" })
        #expect(svg.all("text", class: "x-label").first?.text == "epoch")
        #expect(svg.all("text", class: "y-label").first?.text == "training loss")
        let (xTicks, yTicks) = (svg.xTicks, svg.yTicks)
        #expect(yTicks.last!.value >= 56 && yTicks.first!.value <= 0.75)
        for (line, values) in zip(series, losses) {
            for (epoch, (point, loss)) in zip(line.points, values).enumerated() {
                #expect(abs(point.x - PlotSVG.pixel(of: Double(epoch + 1), on: xTicks)) < 0.2)
                #expect(abs(point.y - PlotSVG.pixel(of: loss, on: yTicks)) < 0.2)
            }
        }
    }

    /// One file may hold several runs, in the order they first appear; a name two files share
    /// gains the file, so the legend tells them apart.
    @Test func runsAreGroupedByNameAndToldApartAcrossFiles() throws {
        let folder = try Self.folder([
            ("a.jsonl", """
                {"epoch":1,"run":"lr 0.1","test_rmse":3}
                {"epoch":1,"run":"lr 0.01","test_rmse":5}
                {"epoch":2,"run":"lr 0.1","test_rmse":2}
                {"epoch":2,"run":"lr 0.01","test_rmse":4.5}
                {"epoch":3,"run":"lr 0.1","test_rmse":1.5}
                """),
            ("b.jsonl", "{\"epoch\":1,\"run\":\"lr 0.1\",\"test_rmse\":7}\n"),
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let (a, b) = (folder.appendingPathComponent("a.jsonl").path, folder.appendingPathComponent("b.jsonl").path)
        let runs = PlotCommand.uniquelyNamed(try RunSeries.read(a, metric: "test_rmse") + RunSeries.read(b, metric: "test_rmse"))
        #expect(runs.map(\.name) == ["lr 0.1 (\(a))", "lr 0.01", "lr 0.1 (\(b))"])
        #expect(runs.map(\.epochs) == [[1, 2, 3], [1, 2], [1]])
        #expect(runs.map(\.values) == [[3, 2, 1.5], [5, 4.5], [7]])
    }

    /// A file `loaders plot` cannot use, and what the error says: the file, the line, the value.
    struct BadFile: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var code: LoaderError.Code
        var line: Int?
        var message: String
        /// The metric asked for.
        var metric = "train_loss"
        var testDescription: String { name }
    }

    static let badFiles: [BadFile] = [
        BadFile(name: "not JSON", text: "{\"epoch\":1,\"train_loss\":0.5}\nepoch 2: loss 0.4\n", code: .malformed, line: 2,
                message: "not JSON: \"epoch 2: loss 0.4\""),
        BadFile(name: "not an object", text: "[1, 2]\n", code: .malformed, line: 1, message: "not a JSON object: \"[1, 2]\""),
        BadFile(name: "epoch not a number", text: "{\"epoch\":1,\"train_loss\":1}\n{\"epoch\":\"two\",\"train_loss\":1}\n",
                code: .malformed, line: 2, message: "\"epoch\" is \"two\", not a number"),
        BadFile(name: "epoch a boolean", text: "{\"epoch\":true,\"train_loss\":1}\n", code: .malformed, line: 1,
                message: "\"epoch\" is true, not a number"),
        BadFile(name: "metric a string", text: "\n\n{\"epoch\":1,\"train_loss\":\"low\"}\n", code: .malformed, line: 3,
                message: "\"train_loss\" is \"low\", not a number"),
        BadFile(name: "run a number", text: "{\"epoch\":1,\"run\":3,\"train_loss\":1}\n", code: .malformed, line: 1,
                message: "\"run\" is 3, not a string"),
        BadFile(name: "empty", text: "", code: .emptyFile, line: nil, message: "no lines; expected the JSON lines of `loaders train --json`"),
        BadFile(name: "blank", text: "\n  \r\n\n", code: .emptyFile, line: nil, message: "no lines; expected the JSON lines of `loaders train --json`"),
        BadFile(name: "no epochs", text: "{\"kind\":\"summary\"}\n{\"kind\":\"end\"}\n", code: .malformed, line: nil,
                message: "none of its 2 lines is an epoch (a JSON object with \"epoch\")"),
        BadFile(name: "no such metric", text: "{\"epoch\":1,\"test_accuracy\":0.9,\"train_loss\":0.3}\n", code: .mismatch, line: nil,
                message: "no epoch line has \"train_los\"; they have \"epoch\", \"test_accuracy\", \"train_loss\"",
                metric: "train_los"),
        BadFile(name: "metric always null", text: "{\"epoch\":1,\"test_r2\":null}\n{\"epoch\":2,\"test_r2\":null}\n", code: .mismatch,
                line: nil, message: "\"test_r2\" is null in all 2 epoch lines (a run without a test set has no test metrics)",
                metric: "test_r2"),
    ]

    @Test(arguments: badFiles)
    func badInputIsATypedErrorNamingTheFileAndLine(_ bad: BadFile) throws {
        let folder = try Self.folder([("run.jsonl", bad.text)])
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("run.jsonl").path
        let error = try #require(throws: LoaderError.self) { try RunSeries.read(path, metric: bad.metric) }
        #expect(error.code == bad.code)
        #expect(error.path == path)
        #expect(error.location == bad.line.map { .lineColumn(line: $0, column: 1) })
        #expect(error.message == bad.message)
    }

    /// A line without a break for megabytes is refused at its line, not held in memory.
    @Test func aLineLongerThanTheLimitIsRefused() throws {
        let folder = try Self.folder([("long.jsonl", "{\"epoch\":1,\"train_loss\":1}\n{\"epoch\":2,\"x\":\""
                                       + String(repeating: "a", count: RunSeries.maximumLineBytes) + "\"}\n")])
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("long.jsonl").path
        let error = try #require(throws: LoaderError.self) { try RunSeries.read(path, metric: "train_loss") }
        #expect(error.path == path && error.location == .lineColumn(line: 2, column: 1))
        #expect(error.message.hasPrefix("line longer than 1048576 bytes"))
    }

    /// As a user meets it: exit status 1 and one line naming the command, the file and the line;
    /// the SVG not written.
    @Test func theToolReportsABadFileInOneLine() async throws {
        let folder = try Self.folder([("good.jsonl", "{\"epoch\":1,\"train_loss\":1}\n"),
                                      ("bad.jsonl", "{\"epoch\":1,\"train_loss\":1}\n{\"epoch\":2,\n")])
        defer { try? FileManager.default.removeItem(at: folder) }
        let (good, bad) = (folder.appendingPathComponent("good.jsonl").path, folder.appendingPathComponent("bad.jsonl").path)
        let out = folder.appendingPathComponent("out.svg").path
        let outcome = try await Self.loaders(["plot", good, bad, "--out", out])
        #expect(outcome.status == 1)
        #expect(outcome.standardError == "loaders plot: \(bad): line 2, column 1: not JSON: \"{\\\"epoch\\\":2,\"\n")
        #expect(!FileManager.default.fileExists(atPath: out))

        let fine = try await Self.loaders(["plot", good, "--out", out, "--log-y"])
        #expect(fine.status == 0 && fine.standardOutput == "\(out): train_loss of 1 run: good\n")
        #expect(try PlotSVG(try String(contentsOfFile: out, encoding: .utf8)).all("polyline", class: "series").count == 1)
    }

    /// The seed's comparison from the command line: `loaders train --json` at batch sizes 1, 10
    /// and 20 on wine, then `loaders plot` over the three outputs; and `--plot` of one run draws
    /// its epoch means over every batch's loss against samples seen.
    @Test func trainedRunsArePlottedTogether() async throws {
        let folder = try Self.folder([])
        defer { try? FileManager.default.removeItem(at: folder) }
        let wine = TrainCommandTests.fixture("wine.csv")
        var files: [String] = []
        var losses: [[Double]] = []
        for batchSize in [1, 10, 20] {
            let plot = folder.appendingPathComponent("batch\(batchSize).svg").path
            let outcome = try await Self.loaders([
                "train", "--train", wine, "--label-column", "target", "--model", "linear", "--optimizer", "sgd",
                "--learning-rate", "0.001", "--mean", "0", "--std", "1000", "--batch-size", "\(batchSize)", "--epochs", "3",
                "--workers", "0", "--json", "--plot", plot,
            ])
            #expect(outcome.status == 0, "\(outcome.standardError)")
            let file = folder.appendingPathComponent("batch\(batchSize).jsonl").path
            try Data(outcome.standardOutput.utf8).write(to: URL(fileURLWithPath: file))
            files.append(file)
            losses.append(try Self.values(of: "train_loss", in: outcome.standardOutput))
            #expect(losses.last!.count == 3)

            // --plot: one series of 3 epoch means at 178, 356 and 534 samples seen, and a faint
            // line of every batch beneath.
            let svg = try PlotSVG(try String(contentsOfFile: plot, encoding: .utf8))
            let series = try #require(svg.all("polyline", class: "series").first)
            #expect(svg.all("polyline", class: "series").count == 1 && series.attributes["data-series"] == "batch \(batchSize)")
            let batchesPerEpoch = (178 + batchSize - 1) / batchSize
            #expect(svg.all("polyline", class: "detail").map(\.points.count) == [3 * batchesPerEpoch])
            #expect(svg.all("text", class: "x-label").first?.text == "samples seen")
            for (point, (samples, loss)) in zip(series.points, zip([178.0, 356, 534], losses.last!)) {
                #expect(abs(point.x - PlotSVG.pixel(of: samples, on: svg.xTicks)) < 0.2)
                #expect(abs(point.y - PlotSVG.pixel(of: loss, on: svg.yTicks)) < 0.2)
            }
        }
        let out = folder.appendingPathComponent("compare.svg").path
        let outcome = try await Self.loaders(["plot"] + files + ["--out", out])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let svg = try PlotSVG(try String(contentsOfFile: out, encoding: .utf8))
        let series = svg.all("polyline", class: "series")
        #expect(series.map { $0.attributes["data-series"] } == ["batch1", "batch10", "batch20"])
        for (line, values) in zip(series, losses) {
            #expect(line.points.count == 3)
            for (point, loss) in zip(line.points, values) {
                #expect(abs(point.y - PlotSVG.pixel(of: loss, on: svg.yTicks)) < 0.2)
            }
        }
    }
}
