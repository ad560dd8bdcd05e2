import ArgumentParser
import Foundation
import Loaders
import Training

/// `loaders train`: trains a classifier on MNIST-style data (IDX, CSV or HDF5) with the Training
/// module and reports loss, test accuracy and speed per epoch.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a classifier (a CNN, an MLP, a linear model or a network from a model spec) on MNIST-style data and report loss, accuracy and speed.",
        discussion: """
            --train and --test take an MNIST directory (its train or test split), an IDX images file \
            with its labels file beside it, a CSV file or an HDF5 file. Features are normalised as \
            (x - mean) / std on the way, MNIST's 0.1307 and 0.3081 by default, as the PyTorch reference does.
            --model takes a name or a model spec (Docs/Training.md), e.g. \
            "conv(32,3) relu conv(64,3) relu maxpool(2) dropout(0.25) flatten linear(128) relu dropout(0.5) linear(10)".
            Example: loaders train --model cnn --optimizer adam --epochs 2 --plot loss.svg
            """)

    enum OptimizerChoice: String, ExpressibleByArgument, CaseIterable {
        case sgd, adam, rmsprop, adadelta

        /// PyTorch's default rates (SGD has none there; 0.01 is the seed programs').
        var defaultLearningRate: Float {
            switch self {
            case .sgd, .rmsprop: 0.01
            case .adam: 0.001
            case .adadelta: 1
            }
        }
    }

    @OptionGroup var source: SourceOptions

    @Option(help: "Test data (default: the test split of the --train folder).")
    var test: String?

    @Option(help: ArgumentHelp("cnn (Conv2d(1,32,3)-ReLU-Linear), mlp, linear, or a model spec such as \"conv(32,3) relu maxpool(2) flatten linear(10)\".",
                               valueName: "name-or-spec"))
    var model = "cnn"

    @Option(help: "The MLP's hidden layer sizes, comma-separated.")
    var hidden = "128"

    @Option(help: "sgd, adam, rmsprop or adadelta.")
    var optimizer: OptimizerChoice = .sgd

    @Option(help: "Learning rate (default 0.01 for sgd and rmsprop, 0.001 for adam, 1.0 for adadelta).")
    var learningRate: Float?

    @Option(help: "SGD and RMSprop momentum.")
    var momentum: Float = 0

    @Option(help: ArgumentHelp("Learning-rate schedule: step:STEP:GAMMA or cosine:TMAX[:ETAMIN] (stepped per epoch), onecycle:MAXLR (per batch, over the whole run; also cycles the momentum, or Adam's beta1, from 0.95 to 0.85 and back).",
                               valueName: "schedule"))
    var schedule: String?

    @Option(help: "Samples per batch.")
    var batchSize = 64

    @Option(help: "Passes over the training data.")
    var epochs = 1

    @Option(help: "Data-loading worker threads (at most 256); 0 loads on the training thread.")
    var workers = 2

    @Option(help: ArgumentHelp("Fail when a batch is not ready after this many seconds (with workers).", valueName: "seconds"))
    var timeout: Double?

    @Option(help: "Compute threads for the training kernels, at most 256 (default: all cores).")
    var threads: Int?

    @Option(help: "Seed for the initial weights and the shuffling.")
    var seed: UInt64 = 0

    @Option(help: "Number of classes, labels being 0..<classes (default: one more than the largest training label).")
    var classes: Int?

    @OptionGroup var normalization: NormalizationOptions

    @Flag(help: "Print one JSON line per epoch instead of readable lines.")
    var json = false

    @Option(help: "Write an SVG plot of the loss per batch and per epoch to this path.")
    var plot: String?

    @Option(help: "Save the trained parameters to this path (see Docs/Training.md for the format).")
    var save: String?

    @Option(help: "Start from parameters saved with --save (same --model and sizes); with --epochs 0, only test them.")
    var load: String?

    func validate() throws {
        guard batchSize > 0 else { throw ValidationError("--batch-size must be positive") }
        // The optimizers take these as programmer-checked preconditions; from the command line
        // they are input, so they are checked here.
        guard (learningRate ?? 0).isFinite, (learningRate ?? 0) >= 0 else {
            throw ValidationError("--learning-rate must be a non-negative number")
        }
        guard momentum.isFinite, momentum >= 0 else { throw ValidationError("--momentum must be a non-negative number") }
        guard epochs >= 0 else { throw ValidationError("--epochs must not be negative") }
        guard epochs > 0 || load != nil else { throw ValidationError("--epochs 0 needs --load") }
        guard (0...BenchCommand.maximumWorkers).contains(workers) else {
            throw ValidationError("--workers must be between 0 and \(BenchCommand.maximumWorkers)")
        }
        guard (1...BenchCommand.maximumWorkers).contains(threads ?? 1) else {
            throw ValidationError("--threads must be between 1 and \(BenchCommand.maximumWorkers)")
        }
        _ = try BenchCommand.loaderTimeout(seconds: timeout)
        guard (classes ?? 2) > 1 else { throw ValidationError("--classes must be at least 2") }
        guard (try? hiddenSizes()) != nil else { throw ValidationError("--hidden must be positive integers separated by commas") }
        if case .oneCycle = try schedule.map(ScheduleChoice.init(parsing:)), optimizer == .adadelta {
            throw ValidationError("--schedule onecycle cycles the momentum, which adadelta does not have")
        }
    }

    /// `--schedule`, parsed.
    enum ScheduleChoice: Equatable {
        case step(stepSize: Int, gamma: Double)
        case cosine(tMax: Int, etaMin: Double)
        case oneCycle(maxLR: Double)

        init(parsing text: String) throws {
            let fields = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            let numbers = fields.dropFirst().map { Double($0) }
            func whole(_ value: Double?) -> Int? {
                value.flatMap { $0 >= 1 && $0 <= 1e9 && $0 == $0.rounded() ? Int($0) : nil }
            }
            switch (fields[0], numbers.count) {
            case ("step", 2):
                guard let size = whole(numbers[0]), let gamma = numbers[1], gamma > 0, gamma.isFinite else { break }
                self = .step(stepSize: size, gamma: gamma)
                return
            case ("cosine", 1), ("cosine", 2):
                guard let tMax = whole(numbers[0]), let etaMin = numbers.count == 2 ? numbers[1] : 0, etaMin >= 0, etaMin.isFinite else { break }
                self = .cosine(tMax: tMax, etaMin: etaMin)
                return
            case ("onecycle", 1):
                guard let maxLR = numbers[0], maxLR > 0, maxLR.isFinite else { break }
                self = .oneCycle(maxLR: maxLR)
                return
            default: break
            }
            throw ValidationError("--schedule \"\(text)\" is not step:STEP:GAMMA, cosine:TMAX[:ETAMIN] or onecycle:MAXLR "
                                  + "with a whole STEP and TMAX of at least 1, and positive GAMMA and MAXLR")
        }

        /// A scheduler driving `optimizer`; one-cycle spans `epochs` of `batchesPerEpoch` batches.
        func scheduler(for optimizer: any Optimizer, epochs: Int, batchesPerEpoch: Int) -> LearningRateScheduler {
            // A run too long to count its steps in Int cycles over Int.max of them.
            let (steps, overflow) = epochs.multipliedReportingOverflow(by: batchesPerEpoch)
            let runSteps = overflow ? Int.max : steps
            return switch self {
            case .step(let stepSize, let gamma):
                LearningRateScheduler(StepLR(stepSize: stepSize, gamma: gamma), optimizer: optimizer, interval: .epoch)
            case .cosine(let tMax, let etaMin):
                LearningRateScheduler(CosineAnnealingLR(tMax: tMax, etaMin: etaMin), optimizer: optimizer, interval: .epoch)
            case .oneCycle(let maxLR):
                // A cycle needs two steps; a one-batch run just trains at the starting rate.
                LearningRateScheduler(OneCycleLR(maxLR: maxLR, totalSteps: max(2, runSteps)),
                                      optimizer: optimizer, interval: .batch)
            }
        }
    }

    /// The network `--model` names, or the spec it holds, for `classes` outputs where a name is given.
    /// - Throws: `ModelSpecError` for a spec that does not parse.
    func modelSpec(classes: Int) throws -> ModelSpec {
        switch model {
        case "cnn": try ModelSpec("conv(32,3) relu flatten linear(\(classes))")
        case "mlp": try ModelSpec((["flatten"] + hiddenSizes().map { "linear(\($0)) relu" } + ["linear(\(classes))"]).joined(separator: " "))
        case "linear": try ModelSpec("flatten linear(\(classes))")
        default: try ModelSpec(model)
        }
    }

    private func hiddenSizes() throws -> [Int] {
        let sizes = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else { throw ValidationError("bad --hidden") }
        return sizes.map { $0! }
    }

    func run() async throws {
        do {
            if let threads { ComputeThreads.count = threads }
            _ = try modelSpec(classes: 2)   // a spec that does not parse fails before any data is read
            let opened = try source.open(source.train, split: .train)
            let batches = BenchCommand.batchesInFlight(workers: workers)
            try opened.checkBatchMemory(batchSize: batchSize, inFlight: batches, path: source.train)
            let trainSet = opened.dataset
            let testSet = try test.map { try source.open($0, split: .test).dataset }
                ?? (isDirectory(source.train) ? source.open(source.train, split: .test).dataset : nil)
            if let testSet {
                try await Self.open(testSet) { test in try await self.train(on: trainSet, testingOn: test) }
            } else {
                try await train(on: trainSet, testingOn: Optional<NoTestSet>.none)
            }
        } catch {
            throw reportFailure(of: "train", error)
        }
    }

    /// Calls `body` with `dataset` as its concrete type.
    private static func open<Test: Dataset<Example>>(
        _ dataset: Test, _ body: (Test) async throws -> Void
    ) async throws {
        try await body(dataset)
    }

    /// Trains the chosen model for `epochs` epochs, printing a line (or JSON) per epoch.
    private func train<Train: Dataset<Example>, Test: Dataset<Example>>(on trainSet: Train, testingOn testSet: Test?) async throws {
        guard trainSet.count > 0 else {
            throw LoaderError(.emptyFile, "the training data has no samples", path: source.train)
        }
        let sampleShape = try trainSet.sample(at: 0).features.shape
        guard !sampleShape.contains(0) else {
            throw LoaderError(.unsupported, "samples of shape \(sampleShape) hold no features to train on", path: source.train)
        }
        // Which layers take images does not depend on the class count.
        let takesImages = try modelSpec(classes: 2).takesImages
        if takesImages && sampleShape.count == 2 {
            // Conv2d takes [channels, height, width]; single-channel images stored as [N, H, W]
            // floats (HDF5, non-uint8 IDX) gain their channel on the loader's workers.
            let addChannel: @Sendable (Example) -> Example = {
                Example(features: $0.features.reshaped(to: [1] + $0.features.shape), target: $0.target)
            }
            return try await train(on: trainSet.map(addChannel), testingOn: testSet.map { $0.map(addChannel) })
        }
        // The model is built for the training samples' shape; a test set it cannot take would
        // reach the layers' shape preconditions. Models that flatten first (the MLP, the linear
        // model) need only the feature count to agree (an MNIST CSV tests an IDX-trained model).
        if let testSet, testSet.count > 0 {
            let testShape = try testSet.sample(at: 0).features.shape
            let fits = takesImages ? testShape == sampleShape : testShape.reduce(1, *) == sampleShape.reduce(1, *)
            guard fits else {
                throw LoaderError(.mismatch, "test samples are \(testShape), the training samples \(sampleShape)",
                                  path: test ?? source.train)
            }
        }
        let classCount = try checkedClassCount(train: trainSet, test: testSet)
        let network = try makeModel(sampleShape: sampleShape, classes: classCount)
        let rate = learningRate ?? optimizer.defaultLearningRate
        let update: any Optimizer = switch optimizer {
        case .sgd: SGD(network.parameters, learningRate: rate, momentum: momentum)
        case .adam: Adam(network.parameters, learningRate: rate)
        case .rmsprop: RMSprop(network.parameters, learningRate: rate, momentum: momentum)
        case .adadelta: Adadelta(network.parameters, learningRate: rate)
        }
        if let load { try ModelFile.load(into: network.state, from: load) }

        // Normalisation runs on the loader's workers, overlapped with training.
        let loaderTimeout = try BenchCommand.loaderTimeout(seconds: timeout)
        let trainLoader = DataLoader(normalization.apply(to: trainSet), batchSize: batchSize, shuffle: true,
                                     dropLast: false, workers: workers, prefetch: 2, seed: seed,
                                     timeout: loaderTimeout)
        let testLoader = testSet.map {
            DataLoader(normalization.apply(to: $0), batchSize: batchSize, shuffle: false, dropLast: false,
                       workers: workers, prefetch: 2, seed: seed, timeout: loaderTimeout)
        }
        let scheduler = try schedule.map {
            try ScheduleChoice(parsing: $0).scheduler(for: update, epochs: epochs, batchesPerEpoch: trainLoader.count)
        }
        let trainer = Trainer(model: network, optimizer: update, scheduler: scheduler)
        if !json && epochs > 0 {
            print("training \(model) (\(network.parameterCount) parameters) on \(trainSet.count) samples"
                  + (testSet.map { ", testing on \($0.count)" } ?? "")
                  + "; \(optimizer.rawValue) lr \(rate)\(schedule.map { " (\($0))" } ?? ""), batch \(batchSize), \(ComputeThreads.count) compute threads, \(workers) workers")
        }
        var curve = LossCurve()
        if epochs == 0 {
            guard let testLoader else {
                throw ValidationError("--epochs 0 tests the loaded model, but there is no test set (--test)")
            }
            let accuracy = try await trainer.accuracy(on: testLoader)
            print(json ? JSON.object([("test_accuracy", .double(accuracy))]).text : String(format: "test accuracy %.2f%%", accuracy * 100))
            return
        }
        for epoch in 1...epochs {
            var bar = ProgressLine(epoch: epoch, epochs: epochs, total: trainSet.count)
            let report = try await trainer.trainEpoch(trainLoader, epoch: epoch, test: testLoader) { progress in
                if !json { bar.update(progress) }
                if plot != nil { curve.record(progress) }
            }
            if !json { bar.finish() }
            curve.record(report)
            print(json ? jsonLine(report) : readableLine(report))
        }
        if let save { try ModelFile.save(network.state, to: save) }
        if let plot {
            var lossPlot = LossPlot(title: "\(model) on \(URL(fileURLWithPath: source.train).lastPathComponent), \(optimizer.rawValue)",
                                    xLabel: "samples seen", yLabel: "training loss")
            lossPlot.addCurve(curve, name: "batch \(batchSize)")
            try lossPlot.write(to: plot)
            if !json { print("loss plot written to \(plot)") }
        }
    }

    /// `--classes`, or one more than the largest training label; every label, training and test,
    /// must fall below it, since the loss cannot score a class the model has no output for.
    /// - Throws: `LoaderError` naming the file when a label does not fit.
    private func checkedClassCount<Train: Dataset<Example>, Test: Dataset<Example>>(train: Train, test: Test?) throws -> Int {
        let trainLargest = try largestLabel(in: train, path: source.train)
        // A label column that holds something else (an id, a price) would otherwise size the output
        // layer by its largest value and exhaust memory; so many classes must be asked for.
        guard classes != nil || trainLargest < Self.inferredClassLimit else {
            throw LoaderError(.unsupported, "label \(trainLargest) would make \(trainLargest + 1) classes; "
                              + "set --classes to train that many", path: source.train)
        }
        let count = classes ?? max(2, trainLargest + 1)
        func check(_ largest: Int, _ path: String) throws {
            guard largest < count else {
                throw LoaderError(.mismatch, "label \(largest) does not fit \(count) classes (labels 0..<\(count)); see --classes", path: path)
            }
        }
        try check(trainLargest, source.train)
        if let test {
            let testPath = self.test ?? source.train
            try check(try largestLabel(in: test, path: testPath), testPath)
        }
        return count
    }

    /// The most classes taken from the labels without `--classes`.
    static let inferredClassLimit = 1 << 16

    private func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    /// The chosen network for samples of `sampleShape` (`[channels, height, width]` for images).
    /// - Throws: `LoaderError` when the samples do not suit the model, when it has fewer outputs
    ///   than there are classes, or when its parameters, their gradients and the optimizer's state
    ///   would not fit in `MemoryLimit`.
    private func makeModel(sampleShape: [Int], classes: Int) throws -> Sequential {
        let spec = try modelSpec(classes: classes)
        let plan: ModelSpec.Plan
        do {
            plan = try spec.plan(input: sampleShape)
        } catch {
            throw LoaderError(.unsupported, "\(error), for samples of \(sampleShape)", path: source.train)
        }
        guard plan.outputShape.count == 1, plan.outputShape[0] >= classes else {
            throw LoaderError(.mismatch, "the model gives outputs of \(plan.outputShape) per sample, the data has \(classes) classes; "
                              + "end the spec with linear(\(classes))", path: source.train)
        }
        // Each parameter has a value and a gradient, and the optimizer's state besides; one-cycle
        // gives SGD and RMSprop a momentum even when --momentum does not.
        let hasMomentum = momentum > 0 || schedule?.hasPrefix("onecycle") == true
        let state = switch optimizer {
        case .sgd: hasMomentum ? 1 : 0
        case .adam, .adadelta: 2
        case .rmsprop: hasMomentum ? 2 : 1
        }
        let parameters = plan.parameterCount
        try MemoryLimit.check(
            parameters.flatMap { MemoryLimit.product([$0, 2 + state, MemoryLayout<Float>.stride]) },
            for: "the \(model) model for samples of \(sampleShape) (\(parameters.map(String.init) ?? "too many") parameters, "
                + "with gradients and \(optimizer.rawValue)'s state)",
            path: source.train)
        return try spec.makeModel(input: sampleShape, seed: seed)
    }

    /// Seconds for a person: milliseconds below one second, since a small data set's epoch takes
    /// a few, which "0.00 s" would hide.
    static func readable(seconds: Double) -> String {
        seconds < 1 ? String(format: "%.1f ms", seconds * 1000) : String(format: "%.2f s", seconds)
    }

    private func readableLine(_ report: EpochReport) -> String {
        let accuracy = report.testAccuracy.map { String(format: ", test accuracy %.2f%%", $0 * 100) } ?? ""
        return String(format: "epoch %d: loss %.4f%@, %@ (%.0f samples/s)",
                      report.epoch, report.trainLoss, accuracy, Self.readable(seconds: report.trainSeconds), report.samplesPerSecond)
    }

    private func jsonLine(_ report: EpochReport) -> String {
        JSON.object([
            ("epoch", .integer(Int128(report.epoch))),
            ("train_loss", .double(report.trainLoss)),
            ("test_accuracy", report.testAccuracy.map { .double($0) } ?? .null),
            ("train_seconds", .double(report.trainSeconds)),
            ("samples_per_second", .double(report.samplesPerSecond)),
        ]).text
    }
}

/// The test-set type when there is none.
private typealias NoTestSet = NormalizedDataset<IDXDataset>
