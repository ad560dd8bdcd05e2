import ArgumentParser
import Foundation
import Loaders
import Training

/// `loaders plot RUNS.jsonl... --out compare.svg`: draws saved runs of `loaders train --json` in one SVG.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw the epochs of runs saved by `loaders train --json` in one SVG, one line per run.",
        discussion: """
            Each file holds the JSON lines `loaders train --json` prints, one object per epoch. A line's \
            "run" names its run; lines without one belong to a run named after the file. Lines without \
            "epoch" are skipped; a null metric (an epoch without a test set) is not drawn.
            Example: loaders plot batch1.jsonl batch10.jsonl batch20.jsonl --out compare.svg --log-y
            """)

    @Argument(help: ArgumentHelp("JSON-lines files written by `loaders train --json`.", valueName: "runs.jsonl"))
    var runs: [String]

    @Option(help: ArgumentHelp("The SVG file to write (replaced if it exists).", valueName: "file.svg"))
    var out: String

    @Option(help: "The number to draw: train_loss, test_loss, test_accuracy, test_rmse, test_mae, test_r2, train_seconds or samples_per_second.")
    var metric = "train_loss"

    @Flag(name: .customLong("log-y"), help: "A log10 y axis (values at or below zero are not drawn).")
    var logY = false

    @Option(help: "The plot's title (default: the metric per epoch).")
    var title: String?

    func run() throws {
        let series: [RunSeries]
        do {
            series = try Self.uniquelyNamed(runs.flatMap { try RunSeries.read($0, metric: metric) })
            let name = Self.readableName(of: metric)
            var plot = LossPlot(title: title ?? "\(name) per epoch", xLabel: "epoch", yLabel: name)
            plot.logScale = logY
            for run in series { plot.addSeries(run.name, x: run.epochs, y: run.values) }
            try plot.write(to: out)
        } catch {
            throw reportFailure(of: "plot", error)
        }
        print("\(out): \(metric) of \(series.count) run\(series.count == 1 ? "" : "s"): \(series.map(\.name).joined(separator: ", "))")
    }

    /// What the JSON keys of `loaders train` measure, as a person reads it.
    static func readableName(of metric: String) -> String {
        switch metric {
        case "train_loss": "training loss"
        case "test_rmse": "test RMSE"
        case "test_mae": "test MAE"
        case "test_r2": "test R²"
        case "train_seconds": "training seconds"
        default: metric.replacingOccurrences(of: "_", with: " ")
        }
    }

    /// `runs` with the file added to the names that several files share, so the legend tells them apart.
    static func uniquelyNamed(_ runs: [RunSeries]) -> [RunSeries] {
        let files = Dictionary(grouping: runs, by: \.name).mapValues { Set($0.map(\.path)).count }
        return runs.map { run in
            var run = run
            if files[run.name]! > 1 { run.name += " (\(run.path))" }
            return run
        }
    }
}

/// One run's metric per epoch, read from a JSON-lines file.
struct RunSeries: Equatable {
    var name: String
    /// The file it came from.
    var path: String
    var epochs: [Double] = []
    /// The metric at each epoch; NaN where a line has null, or no such key.
    var values: [Double] = []

    /// The longest line read; a longer one is not an epoch line of `loaders train`.
    static let maximumLineBytes = 1 << 20

    /// The runs in the file at `path`, in the order they first appear, each with `metric` per epoch.
    ///
    /// - Throws: `LoaderError` naming the file, and the line for a line that is not a JSON object
    ///   or holds an epoch, run or metric that is not a number (or string, for the run); naming
    ///   the file when it has no lines, no epoch lines, or no epoch line with a value of `metric`.
    static func read(_ path: String, metric: String) throws -> [RunSeries] {
        let fileName = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        var runs: [RunSeries] = []
        var (lines, epochLines, linesWithKey, linesWithValue) = (0, 0, 0, 0)
        var keys: [String] = []
        try forEachLine(of: path) { lineNumber, text in
            lines += 1
            func failure(_ message: String) -> LoaderError {
                LoaderError(.malformed, message, path: path, location: .lineColumn(line: lineNumber, column: 1))
            }
            let object: [String: Any]
            do {
                guard let parsed = try JSONSerialization.jsonObject(with: text, options: [.fragmentsAllowed]) as? [String: Any] else {
                    throw failure("not a JSON object: \(LoaderError.quoted(String(decoding: text, as: UTF8.self), limit: 60))")
                }
                object = parsed
            } catch let error as LoaderError {
                throw error
            } catch {
                throw failure("not JSON: \(LoaderError.quoted(String(decoding: text, as: UTF8.self), limit: 60))")
            }
            guard let epochValue = object["epoch"] else { return }
            guard let epoch = Self.number(epochValue), epoch.isFinite else {
                throw failure("\"epoch\" is \(describe(epochValue)), not a number")
            }
            let name: String
            switch object["run"] {
            case nil, is NSNull: name = fileName
            case let text as String: name = text
            case let other?: throw failure("\"run\" is \(describe(other)), not a string")
            }
            let value: Double
            switch object[metric] {
            case nil: value = .nan
            case is NSNull:
                value = .nan
                linesWithKey += 1
            case let present?:
                guard let number = Self.number(present) else {
                    throw failure("\(LoaderError.quoted(metric)) is \(describe(present)), not a number")
                }
                value = number
                linesWithKey += 1
                linesWithValue += 1
            }
            epochLines += 1
            if keys.isEmpty { keys = object.keys.sorted() }
            if let index = runs.firstIndex(where: { $0.name == name }) {
                runs[index].epochs.append(epoch)
                runs[index].values.append(value)
            } else {
                runs.append(RunSeries(name: name, path: path, epochs: [epoch], values: [value]))
            }
        }
        guard lines > 0 else { throw LoaderError(.emptyFile, "no lines; expected the JSON lines of `loaders train --json`", path: path) }
        guard epochLines > 0 else {
            throw LoaderError(.malformed, "none of its \(lines) lines is an epoch (a JSON object with \"epoch\")", path: path)
        }
        guard linesWithKey > 0 else {
            throw LoaderError(.mismatch, "no epoch line has \(LoaderError.quoted(metric)); they have "
                              + keys.map { LoaderError.quoted($0) }.joined(separator: ", "), path: path)
        }
        guard linesWithValue > 0 else {
            throw LoaderError(.mismatch, "\(LoaderError.quoted(metric)) is null in all \(epochLines) epoch lines "
                              + "(a run without a test set has no test metrics)", path: path)
        }
        return runs
    }

    /// A JSON number, or a non-finite one as `loaders train --json` writes it ("nan", "inf", "-inf").
    private static func number(_ value: Any) -> Double? {
        switch value {
        case let text as String: ["nan": .nan, "inf": .infinity, "-inf": -.infinity][text]
        case let number as NSNumber where !isBoolean(number): number.doubleValue
        default: nil
        }
    }

    private static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    /// A JSON value as a message shows it.
    private static func describe(_ value: Any) -> String {
        switch value {
        case let text as String: LoaderError.quoted(text, limit: 60)
        case is NSNull: "null"
        case let number as NSNumber: isBoolean(number) ? (number.boolValue ? "true" : "false") : "\(number)"
        case is [Any]: "an array"
        default: "an object"
        }
    }

    /// Calls `body` with each non-blank line of the file and its 1-based number, without its line break.
    /// - Throws: `LoaderError` from reading, or naming the line when it exceeds `maximumLineBytes`.
    private static func forEachLine(of path: String, _ body: (Int, Data) throws -> Void) throws {
        let file = try ReadOnlyFile(path: path)
        var block = [UInt8](repeating: 0, count: 1 << 16)
        var (line, number, offset) = ([UInt8](), 1, 0)
        func finish() throws {
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if line.contains(where: { ![UInt8(ascii: " "), UInt8(ascii: "\t")].contains($0) }) { try body(number, Data(line)) }
            line.removeAll(keepingCapacity: true)
            number += 1
        }
        while true {
            let count = try block.withUnsafeMutableBytes { try file.read(into: $0, at: offset) }
            if count == 0 { break }
            offset += count
            for byte in block[..<count] {
                if byte == UInt8(ascii: "\n") {
                    try finish()
                } else {
                    guard line.count < maximumLineBytes else {
                        throw LoaderError(.malformed, "line longer than \(maximumLineBytes) bytes; not a line of `loaders train --json`",
                                          path: path, location: .lineColumn(line: number, column: 1))
                    }
                    line.append(byte)
                }
            }
        }
        if !line.isEmpty { try finish() }
    }
}
