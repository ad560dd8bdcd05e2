import ArgumentParser
import Foundation
import Loaders
import Training

/// `loaders evaluate --load model.bin --test PATH`: a saved model's loss and metrics on a data
/// set, rebuilt and fed from what `train --save` kept in the model file.
struct EvaluateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure a model saved by `loaders train --save` on a data set: loss, accuracy and confusion matrix, or RMSE, MAE and R².",
        discussion: """
            The model file holds the model spec, the task, the sample shape and the input \
            normalisation of its training run, so only the data is needed; --test takes what \
            `train` reads (an MNIST folder's test split, IDX, CSV or HDF5, with the same reading options).
            Example: loaders train --epochs 2 --save model.bin && loaders evaluate --load model.bin --test Fixtures/mnist
            """)

    @OptionGroup var source: SourceOptions

    @Option(help: "A model saved by `loaders train --save`.")
    var load: String

    @Option(help: "The data to measure on (an MNIST folder's test split, or a file).")
    var test: String

    @Option(help: "Samples per batch.")
    var batchSize = 256

    @Option(help: "Data-loading worker threads (at most 256); 0 loads on this thread.")
    var workers = 2

    @Option(help: ArgumentHelp("Write each sample's target and the model's prediction to this CSV file.", valueName: "path"))
    var predictions: String?

    @Option(help: ArgumentHelp("Measure on the samples transformed, e.g. \"shift(pixels=2:3)\" to see how a model copes with shifted digits (Docs/Augmentation.md).",
                               valueName: "spec"))
    var augment: String?

    @Option(help: "The seed of --augment's random choices.")
    var seed: UInt64 = 0

    @Flag(help: "Print one JSON object instead of readable lines.")
    var json = false

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        if let augment { _ = try Augmentation(spec: augment) }
        guard (0...BenchCommand.maximumWorkers).contains(workers) else {
            throw ValidationError("--workers must be between 0 and \(BenchCommand.maximumWorkers)")
        }
    }

    func run() async throws {
        do {
            let saved = try SavedModel(path: load)
            if let task = source.task, task != saved.task {
                throw ValidationError("--task \(task.rawValue), and the model in \(load) was trained for \(saved.task.rawValue)")
            }
            var source = source
            source.task = saved.task
            var data = AnyDataset(try source.open(test, split: .test).dataset)
            guard data.count > 0 else { throw LoaderError(.emptyFile, "no samples to evaluate on", path: test) }
            let shape = try data.sample(at: 0).features.shape
            if shape.count + 1 == saved.sampleShape.count && saved.sampleShape.first == 1 && saved.spec.takesImages {
                data = PreparedData.addingChannel(to: data)
            } else if saved.spec.takesImages ? shape != saved.sampleShape : shape.reduce(1, *) != saved.sampleShape.reduce(1, *) {
                throw LoaderError(.mismatch, "samples are \(shape), and the model takes \(saved.sampleShape)", path: test)
            }
            data = try PreparedData.augmented(data, bySpec: augment, seed: seed)
            let loader = DataLoader(PreparedData.normalized(data, by: saved.normalization), batchSize: batchSize, shuffle: false, dropLast: false, workers: workers)
            let trainer = Trainer(model: saved.model, optimizer: SGD([], learningRate: 0), loss: saved.loss.makeLoss())
            var table = Predictions(task: saved.task, outputs: saved.outputs)
            let evaluation = try await trainer.evaluate(on: loader) { batch, output in
                if predictions != nil { table.append(batch, output) }
            }
            if let predictions { try table.write(to: predictions) }
            if json {
                print(JSON.object([("samples", .integer(Int128(evaluation.samples)))] + EvaluationText.json(evaluation, on: "test", task: saved.task)).text)
            } else {
                print("\(saved.spec) on \(evaluation.samples) samples of \(test): " + EvaluationText.readable(evaluation, on: "test"))
                if case .classification(let metrics) = evaluation.metrics { print(EvaluationText.confusionTable(metrics)) }
                if let predictions { print("predictions written to \(predictions)") }
            }
        } catch {
            throw reportFailure(of: "evaluate", error)
        }
    }
}

/// A model rebuilt from a file written by `loaders train --save`.
struct SavedModel {
    var spec: ModelSpec
    var task: TaskChoice
    var loss: LossChoice
    var sampleShape: [Int]
    var outputs: Int
    var normalization: FeatureStatistics?
    var model: Sequential

    /// - Throws: `LoaderError` naming the file: `.unsupported` for a file without the description
    ///   (version 1, or saved by the library directly), `.malformed` for a description that does
    ///   not parse, and `ModelFile.load`'s errors.
    init(path: String) throws {
        let metadata = try ModelFile.metadata(at: path)
        guard let specText = metadata["spec"] else {
            throw LoaderError(.unsupported, "the model file does not say how to rebuild its model (saved without `loaders train --save`)",
                              path: path)
        }
        func malformed(_ key: String) -> LoaderError {
            LoaderError(.malformed, "the model file's \(key) \"\(metadata[key] ?? "")\" does not parse", path: path)
        }
        func numbers<T: LosslessStringConvertible>(_ key: String) throws -> [T]? {
            guard let text = metadata[key] else { return nil }
            let values = text.split(separator: ",").map { T(String($0)) }
            guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else { throw malformed(key) }
            return values.map { $0! }
        }
        guard let spec = try? ModelSpec(specText) else { throw malformed("spec") }
        guard let task = metadata["task"].flatMap(TaskChoice.init(rawValue:)) else { throw malformed("task") }
        guard let loss = try? LossChoice(parsing: metadata["loss"] ?? ""), loss.task == task else { throw malformed("loss") }
        guard let sampleShape: [Int] = try numbers("sample_shape"), sampleShape.allSatisfy({ $0 > 0 }),
              let outputs = try numbers("outputs").flatMap({ (values: [Int]) in values.count == 1 && values[0] > 0 ? values[0] : nil })
        else { throw malformed("sample_shape") }
        let (mean, std): ([Float]?, [Float]?) = (try numbers("normalization_mean"), try numbers("normalization_std"))
        if let mean, let std {
            guard mean.count == std.count, mean.allSatisfy(\.isFinite), std.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw malformed("normalization_std")
            }
            normalization = FeatureStatistics(mean: mean, std: std)
        } else if mean != nil || std != nil {
            throw malformed(mean == nil ? "normalization_std" : "normalization_mean")
        }
        let plan: ModelSpec.Plan
        do {
            plan = try spec.plan(input: sampleShape)
        } catch {
            throw LoaderError(.malformed, "the model file's spec does not take its sample shape \(sampleShape): \(error)", path: path)
        }
        try MemoryLimit.check(plan.parameterCount.flatMap { MemoryLimit.product([$0, MemoryLayout<Float>.stride]) },
                              for: "the model's parameters", path: path)
        (self.spec, self.task, self.loss, self.sampleShape, self.outputs) = (spec, task, loss, sampleShape, outputs)
        model = try spec.makeModel(input: sampleShape, seed: 0)
        try ModelFile.load(into: model.state, from: path)
    }
}

/// Each sample's target and prediction, as CSV: `target,predicted` for classification, the
/// target values then the predicted values for regression.
struct Predictions {
    let task: TaskChoice
    let outputs: Int
    private var text = ""
    private var row = 0

    init(task: TaskChoice, outputs: Int) {
        self.task = task
        self.outputs = outputs
        let header = task == .classification
            ? ["target", "predicted"]
            : (0..<outputs).map { "target\($0)" } + (0..<outputs).map { "predicted\($0)" }
        text = (["sample"] + header).joined(separator: ",") + "\n"
    }

    mutating func append(_ batch: Batch, _ output: Tensor<Float>) {
        let width = batch.count > 0 ? output.count / batch.count : 0
        for sample in 0..<batch.count {
            let line = output.scalars[(sample * width)..<((sample + 1) * width)]
            let fields: [String] = switch batch.targets {
            case .labels(let labels):
                [String(labels.scalars[sample]), String(line.indices.max { line[$0] < line[$1] }! - sample * width)]
            case .values(let values):
                values.scalars[(sample * width)..<((sample + 1) * width)].map(\.description) + line.map(\.description)
            }
            text += ([String(row)] + fields).joined(separator: ",") + "\n"
            row += 1
        }
    }

    /// Writes the table atomically: a crash leaves the old file or the new one.
    func write(to path: String) throws {
        try AtomicFile.write(Array(text.utf8), to: path)
    }
}
