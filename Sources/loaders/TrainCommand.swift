import ArgumentParser
import Foundation
import Loaders
import Training

/// `loaders train`: trains a classifier or a regression on IDX, CSV or HDF5 data with the Training
/// module and reports loss, test metrics and speed per epoch.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a classifier or a regression (a CNN, an MLP, a linear model or a network from a model spec) and report loss, test metrics and speed.",
        discussion: """
            --train and --test take an MNIST directory (its train or test split), an IDX images file \
            with its labels file beside it, a CSV file or an HDF5 file. Images are normalised as \
            (x - mean) / std on the way, MNIST's 0.1307 and 0.3081 by default, as the PyTorch reference \
            does; --standardize fits each feature's mean and std on the training data instead. \
            --task regression reads real-valued targets (--target-column, --targets) and trains with \
            --loss mse, l1 or huber, reporting RMSE, MAE and R². Without a test set, --validation-split \
            holds out part of the training data. --batch-size 1,10,20 trains one run per size and \
            draws them together with --plot.
            --model takes a name or a model spec (Docs/Training.md), e.g. \
            "conv(32,3) relu conv(64,3) relu maxpool(2) dropout(0.25) flatten linear(128) relu dropout(0.5) linear(10)".
            Examples: loaders train --model cnn --optimizer adam --epochs 2 --plot loss.svg
                      loaders train --train wine.csv --label-column target --model mlp --standardize --validation-split 0.2
                      loaders train --train data.csv --task regression --target-column y --model linear --batch-size 1,10,20 --plot compare.svg
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

    @Option(help: ArgumentHelp("Without a test set, hold out this fraction of the training data (a seeded random split) and measure on it after each epoch; with one, the test set is measured once at the end.",
                               valueName: "fraction"))
    var validationSplit: Double?

    @Option(help: ArgumentHelp("cnn (Conv2d(1,32,3)-ReLU-Linear), mlp, linear, or a model spec such as \"conv(32,3) relu maxpool(2) flatten linear(10)\" (default: cnn for images, mlp for classifying flat features, linear for regression).",
                               valueName: "name-or-spec"))
    var model: String?

    @Option(help: ArgumentHelp("cross-entropy (classification), mse, l1 or huber[:DELTA] (regression); default cross-entropy or mse by --task.",
                               valueName: "loss"))
    var loss: String?

    @Option(help: ArgumentHelp("Augment each training sample on the workers before normalising, e.g. \"affine(degrees=10,translate=0.1,scale=0.9:1.1),erasing(p=0.25)\"; its randomness follows from --seed, the epoch and the sample (Docs/Augmentation.md).",
                               valueName: "spec"))
    var augment: String?

    @Flag(help: "Standardise each feature (each channel of images) with the mean and std of the training data, applied to every split alike.")
    var standardize = false

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

    @Option(help: ArgumentHelp("Samples per batch; several, comma-separated (1,10,20), train one run each from the same initial weights.",
                               valueName: "sizes"))
    var batchSize = "64"

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

    @Option(help: "Write an SVG plot of the loss per batch and per epoch (one series per run) to this path.")
    var plot: String?

    @Option(help: "Save the trained parameters, and what `loaders evaluate` needs to rebuild the model, to this path (Docs/Training.md).")
    var save: String?

    @Option(help: "Start from parameters saved with --save (same --model and sizes); with --epochs 0, only test them.")
    var load: String?

    @Option(help: ArgumentHelp("Write checkpoints (parameters, optimizer, loader position, metrics) into this folder at each epoch's end, and with --checkpoint-every as training goes.",
                               valueName: "folder"))
    var checkpointDir: String?

    @Option(help: ArgumentHelp("Also write a checkpoint every N batches.", valueName: "N"))
    var checkpointEvery: Int?

    @Option(help: "The checkpoints to keep, newest first.")
    var keepCheckpoints = 3

    @Flag(help: "Continue from the newest good checkpoint in --checkpoint-dir, with the settings the run was started with (start from the beginning when there is none).")
    var resume = false

    @Flag(help: "Train data-parallel over MPI, one process per rank started by mpirun or srun; --batch-size is per rank, and rank 0 prints and writes (Docs/Scaling.md).")
    var distributed = false

    @Option(help: .hidden)
    var traceBatches: String?

    func validate() throws {
        let sizes = try batchSizes()
        guard sizes.count == 1 || save == nil else { throw ValidationError("--save keeps one model; give one --batch-size") }
        guard sizes.count == 1 || checkpointDir == nil else { throw ValidationError("--checkpoint-dir follows one run; give one --batch-size") }
        guard sizes.count == 1 || !distributed else { throw ValidationError("--distributed trains one run; give one --batch-size") }
        guard checkpointDir != nil || (checkpointEvery == nil && !resume) else {
            throw ValidationError("--checkpoint-every and --resume need --checkpoint-dir")
        }
        guard (checkpointEvery ?? 1) >= 1 else { throw ValidationError("--checkpoint-every must be at least 1") }
        guard keepCheckpoints >= 1 else { throw ValidationError("--keep-checkpoints must be at least 1") }
        if let validationSplit, !(validationSplit > 0 && validationSplit < 1) {
            throw ValidationError("--validation-split must be a fraction between 0 and 1, like 0.2; got \(validationSplit)")
        }
        if standardize && normalization.isGiven { throw ValidationError("--standardize fits the mean and std; do not give --mean or --std too") }
        if let loss, let task = source.task, try LossChoice(parsing: loss).task != task {
            throw ValidationError("--loss \(loss) is for \(try LossChoice(parsing: loss).task.rawValue), and --task is \(task.rawValue)")
        }
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
        guard classes == nil || task == .classification else { throw ValidationError("--classes is for classification") }
        guard (try? hiddenSizes()) != nil else { throw ValidationError("--hidden must be positive integers separated by commas") }
        if let augment { _ = try Augmentation(spec: augment) }
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

    /// `--batch-size` as sizes.
    /// - Throws: `ValidationError` unless it is positive integers separated by commas.
    func batchSizes() throws -> [Int] {
        let sizes = batchSize.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError("--batch-size must be positive integers separated by commas, like 64 or 1,10,20; got \(batchSize)")
        }
        return sizes.map { $0! }
    }

    /// `--task`, or what `--loss` implies, or classification.
    var task: TaskChoice {
        source.task ?? (try? loss.map(LossChoice.init(parsing:)))??.task ?? .classification
    }

    /// `--model`, or the default for samples of `sampleShape`: the CNN for images, else an MLP to
    /// classify or a linear model to regress.
    func modelName(sampleShape: [Int]) -> String {
        model ?? (sampleShape.count >= 2 ? "cnn" : task == .classification ? "mlp" : "linear")
    }

    /// The network `name` names, or the spec it holds, with `outputs` outputs where a name is given.
    /// - Throws: `ModelSpecError` for a spec that does not parse.
    func modelSpec(_ name: String, outputs: Int) throws -> ModelSpec {
        switch name {
        case "cnn": try ModelSpec("conv(32,3) relu flatten linear(\(outputs))")
        case "mlp": try ModelSpec((["flatten"] + hiddenSizes().map { "linear(\($0)) relu" } + ["linear(\(outputs))"]).joined(separator: " "))
        case "linear": try ModelSpec("flatten linear(\(outputs))")
        default: try ModelSpec(name)
        }
    }

    private func hiddenSizes() throws -> [Int] {
        let sizes = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else { throw ValidationError("bad --hidden") }
        return sizes.map { $0! }
    }

    func run() async throws {
        // MPI starts only for a distributed run, so the tool runs anywhere without mpirun.
        let distributed: DistributedTraining?
        do {
            distributed = self.distributed ? try DistributedTraining() : nil
        } catch {
            throw reportFailure(of: "train", error)
        }
        do {
            let (command, checkpoint) = try resumedRun(distributed: distributed)
            try await command.execute(resumingFrom: checkpoint, distributed: distributed)
            try distributed?.group.finalize()
        } catch let stop as DistributedTraining.StoppedTogether {
            // Every rank found the same fault, and stops on its own: each says why, then waits
            // for the others to have said it, since mpirun ends the job at the first exit.
            let failure = reportFailure(of: "train", stop.error)
            try? distributed?.group.barrier()
            try? distributed?.group.finalize()
            throw failure
        } catch {
            if let distributed { distributed.abort(error) }
            throw reportFailure(of: "train", error)
        }
    }

    /// Prepares the data and trains each run, from `checkpoint` if given.
    private func execute(resumingFrom checkpoint: TrainingCheckpoint?, distributed: DistributedTraining?) async throws {
        do {
            if let threads { ComputeThreads.count = threads }
            // A spec that does not parse fails before any data is read.
            if let model { _ = try modelSpec(model, outputs: 2) }
            let data = try prepareData()
            let outputs = try outputCount(data)
            let sizes = try batchSizes()
            var plot = LossPlot(title: "\(data.modelName) on \(URL(fileURLWithPath: source.train).lastPathComponent), \(optimizer.rawValue)",
                                xLabel: "samples seen", yLabel: "training loss")
            for size in sizes {
                try await train(data, outputs: outputs, batchSize: size, run: sizes.count > 1 ? "batch \(size)" : nil, plot: &plot,
                                resumingFrom: checkpoint, distributed: distributed)
            }
            if let path = self.plot, distributed?.isLeader ?? true {
                try plot.write(to: path)
                if !json { print("loss plot written to \(path)") }
            }
        }
    }

    /// The training data and what is measured, opened and made ready for the model: images given
    /// their channel, a validation split held out, every split normalised alike.
    private func prepareData() throws -> PreparedData {
        let opened = try source.open(source.train, split: .train)
        let batches = BenchCommand.batchesInFlight(workers: workers)
        try opened.checkBatchMemory(batchSize: try batchSizes().max()!, inFlight: batches, path: source.train)
        var train = AnyDataset(opened.dataset)
        var testSet = try test.map { try AnyDataset(source.open($0, split: .test).dataset) }
            ?? (isDirectory(source.train) ? AnyDataset(source.open(source.train, split: .test).dataset) : nil)
        guard train.count > 0 else {
            throw LoaderError(.emptyFile, "the training data has no samples", path: source.train)
        }
        var sampleShape = try train.sample(at: 0).features.shape
        guard !sampleShape.contains(0) else {
            throw LoaderError(.unsupported, "samples of shape \(sampleShape) hold no features to train on", path: source.train)
        }
        let modelName = modelName(sampleShape: sampleShape)
        // Which layers take images does not depend on the output count.
        let takesImages = try modelSpec(modelName, outputs: 2).takesImages
        if takesImages && sampleShape.count == 2 {
            // Conv2d takes [channels, height, width]; single-channel images stored as [N, H, W]
            // floats (HDF5, non-uint8 IDX) gain their channel on the loader's workers.
            train = PreparedData.addingChannel(to: train)
            testSet = testSet.map(PreparedData.addingChannel)
            sampleShape = [1] + sampleShape
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
        var heldOut = testSet.map { PreparedData.Split(role: "test", data: $0, path: test ?? source.train) }
        var finalTest: PreparedData.Split?
        if let validationSplit {
            guard train.count >= 2 else {
                throw LoaderError(.unsupported, "one sample cannot be split into training and validation data", path: source.train)
            }
            // At least one sample on each side, however small the fraction.
            let held = min(train.count - 1, max(1, Int((Double(train.count) * validationSplit).rounded())))
            let parts = train.randomSplit(counts: [train.count - held, held], seed: seed)
            (train, finalTest) = (AnyDataset(parts[0]), heldOut)
            heldOut = PreparedData.Split(role: "validation", data: AnyDataset(parts[1]), path: source.train)
        }
        // Fitted on the training samples only, so nothing of the held-out data leaks into training.
        let normalization = standardize ? try train.featureStatistics() : self.normalization.statistics(sampleShape: sampleShape)
        return PreparedData(train: train, heldOut: heldOut, finalTest: finalTest, sampleShape: sampleShape,
                            modelName: modelName, normalization: normalization)
    }

    /// The model's output count: the class count for classification, the number of target values
    /// for regression.
    /// - Throws: `LoaderError` naming the file when labels or targets do not fit the task.
    private func outputCount(_ data: PreparedData) throws -> Int {
        let splits = [PreparedData.Split(role: "training", data: data.train, path: source.train)] + [data.heldOut, data.finalTest].compactMap { $0 }
        switch task {
        case .classification:
            return try checkedClassCount(splits)
        case .regression:
            var width: [Int]?
            for split in splits where split.data.count > 0 {
                let example = try split.data.sample(at: 0)
                guard let values = example.values else {
                    throw LoaderError(.mismatch, "the \(split.role) targets are class labels, and --task is regression", path: split.path,
                                      location: .sampleIndex(0))
                }
                guard values.rank == 1 else {
                    throw LoaderError(.unsupported, "targets of shape \(values.shape): the models regress a vector of values per sample",
                                      path: split.path, location: .sampleIndex(0))
                }
                guard width == nil || width == values.shape else {
                    throw LoaderError(.mismatch, "\(split.role) targets are \(values.shape), the training targets \(width!)", path: split.path)
                }
                width = values.shape
            }
            return width?[0] ?? 1
        }
    }

    /// Trains one run: a model made from `seed` with batches of `batchSize`, printing a line (or
    /// JSON) per epoch, and adding the run's losses to `plot`. Distributed, `batchSize` is each
    /// rank's, the ranks start from rank 0's parameters and average their gradients, and only
    /// rank 0 prints, plots, saves and writes checkpoints.
    private func train(
        _ data: PreparedData, outputs: Int, batchSize: Int, run: String?, plot: inout LossPlot, resumingFrom checkpoint: TrainingCheckpoint?,
        distributed: DistributedTraining?
    ) async throws {
        let network = try makeModel(data.modelName, sampleShape: data.sampleShape, outputs: outputs)
        let rate = learningRate ?? optimizer.defaultLearningRate
        let update: any Optimizer = switch optimizer {
        case .sgd: SGD(network.parameters, learningRate: rate, momentum: momentum)
        case .adam: Adam(network.parameters, learningRate: rate)
        case .rmsprop: RMSprop(network.parameters, learningRate: rate, momentum: momentum)
        case .adadelta: Adadelta(network.parameters, learningRate: rate)
        }
        if let load { try ModelFile.load(into: network.state, from: load) }
        let leader = distributed?.isLeader ?? true

        // Normalisation runs on the loader's workers, overlapped with training. Distributed, each
        // rank takes its slice of the global batches of the order one process draws.
        let loaderTimeout = try BenchCommand.loaderTimeout(seconds: timeout)
        let order = RandomSampler(count: data.train.count, seed: seed)
        let process = distributed?.group.processRank
        var trainBatches: any BatchSampling = process.map {
            DistributedBatchSampler(order, batchSize: batchSize, dropLast: false, process: $0)
        } ?? BatchSampler(order, batchSize: batchSize, dropLast: false)
        let augmented = data.normalized(try PreparedData.augmented(data.train, bySpec: augment, seed: seed))
        func makeTrainLoader(_ batches: any BatchSampling) -> DataLoader<AnyDataset<Example>> {
            DataLoader(augmented, batchSampler: batches, workers: workers, prefetch: 2, timeout: loaderTimeout)
        }
        var trainLoader = makeTrainLoader(trainBatches)
        // Resumed with another world size or batch size, the checkpoint's epoch continues at the
        // same sample of its order, between two of the new batches if need be.
        var resumedState: LoaderState?
        if let checkpoint {
            switch try JSONDecoder().decode(LoaderState.self, from: checkpoint.loaderState).placed(on: trainLoader.settings) {
            case .state(let state):
                resumedState = state
            case .between(let epoch, let start):
                trainBatches = ContinuedEpochBatches(base: trainBatches, order: order, globalBatchSize: batchSize * (process?.worldSize ?? 1),
                                                     process: process, epoch: epoch, start: start)
                trainLoader = makeTrainLoader(trainBatches)
                resumedState = LoaderState(epoch: epoch, batches: 0, samples: 0, settings: trainLoader.settings)
            }
        }
        // A classifier's measurements add up over ranks, so each rank measures its slice.
        let measuringRank = task == .classification ? distributed?.group.processRank : nil
        func loader(_ split: PreparedData.Split?) -> DataLoader<AnyDataset<Example>>? {
            split.map {
                let samples = SequentialSampler(count: $0.data.count)
                let batches: any BatchSampling = measuringRank.map {
                    DistributedBatchSampler(samples, batchSize: batchSize, dropLast: false, process: $0)
                } ?? BatchSampler(samples, batchSize: batchSize, dropLast: false)
                return DataLoader(data.normalized($0.data), batchSampler: batches, workers: workers, prefetch: 2, timeout: loaderTimeout)
            }
        }
        let (heldOutLoader, finalTestLoader) = (loader(data.heldOut), loader(data.finalTest))
        let scheduler = try schedule.map {
            try ScheduleChoice(parsing: $0).scheduler(for: update, epochs: epochs, batchesPerEpoch: trainLoader.count)
        }
        let lossChoice = try loss.map(LossChoice.init(parsing:)) ?? .standard(for: task)
        let trainer = Trainer(model: network, optimizer: update, loss: lossChoice.makeLoss(), scheduler: scheduler)
        if let distributed {
            try distributed.requireSameSettings(distributedSettings(data, model: network, loader: trainLoader, loss: lossChoice,
                                                                    resumingFrom: checkpoint))
            try distributed.group.broadcastState(of: network)
            trainer.gradientSynchronizer = distributed.exchange
        }
        let prefix = run.map { "\($0), " } ?? ""
        if !json && epochs > 0 && leader {
            let measured = data.heldOut.map { ", measuring on \($0.data.count) \($0.role) samples" }
                ?? "; no test set (--test) or --validation-split, so nothing is measured"
            print("\(prefix)training \(data.modelName) (\(network.parameterCount) parameters, \(lossChoice.name) loss) on \(data.train.count) samples"
                  + measured
                  + "; \(optimizer.rawValue) lr \(rate)\(schedule.map { " (\($0))" } ?? ""), batch \(batchSize), \(ComputeThreads.count) compute threads, \(workers) workers"
                  + (distributed.map { $0.group.worldSize == 1 ? " on 1 rank" : " on each of \($0.group.worldSize) ranks (global batch \(batchSize * $0.group.worldSize))" } ?? "")
                  + (standardize ? ", standardised features" : "") + (augment.map { ", augmented by \($0)" } ?? ""))
        }
        if epochs == 0 {
            guard let heldOutLoader, let split = data.heldOut else {
                throw ValidationError("--epochs 0 tests the loaded model, but there is no test set (--test) or --validation-split")
            }
            let evaluation = try await measure(trainer, on: heldOutLoader, distributed: distributed)
            if leader {
                print(json ? JSON.object(EvaluationText.json(evaluation, on: split.role, task: task)).text
                           : EvaluationText.readable(evaluation, on: split.role))
            }
            return
        }
        var curve = LossCurve()
        var completed: [EpochReport] = []
        var resumedProgress: EpochProgress?
        if let checkpoint, let state = resumedState {
            try trainer.restore(from: checkpoint)
            try trainLoader.restore(state)
            completed = checkpoint.completedEpochs
            for report in completed { curve.record(report) }
            resumedProgress = checkpoint.epochInProgress.map { progress in
                var progress = distributed?.share(of: progress) ?? progress
                if progress.epoch == state.epoch { progress.batches = state.batches }
                return progress
            }
        }
        let checkpoints = checkpointDir.map {
            CheckpointWriter(directory: CheckpointDirectory($0, keep: keepCheckpoints), every: checkpointEvery, trainer: trainer,
                             loader: trainLoader, metadata: ["arguments": recordedArguments(resumedFrom: checkpoint)],
                             distributed: distributed)
        }
        let trace = try traceBatches.map { try BatchTrace(path: $0, rank: distributed?.group.rank, batches: trainBatches) }
        for epoch in stride(from: completed.count + 1, through: epochs, by: 1) {
            var bar = ProgressLine(epoch: epoch, epochs: epochs, total: distributed?.leaderShare(of: data.train.count) ?? data.train.count)
            let resuming = resumedProgress.flatMap { $0.epoch == epoch ? $0 : nil }
            var report = try await trainer.trainEpoch(trainLoader, epoch: epoch, test: heldOutLoader, resuming: resuming) { progress in
                if !json && leader { bar.update(progress) }
                if self.plot != nil { curve.record(progress) }
                try trace?.record(epoch: epoch, batch: progress.batch)
                try checkpoints?.afterStep(completedEpochs: completed)
            }
            if !json && leader { bar.finish() }
            let exchange = distributed?.exchange.take()
            if let distributed { report = try distributed.global(report) }
            completed.append(report)
            try checkpoints?.write(completedEpochs: completed)
            curve.record(report)
            let written = try checkpoints?.takeTotals()
            if leader {
                print(json ? jsonLine(report, run: run, batchSize: batchSize, heldOut: data.heldOut?.role, checkpoints: written,
                                      exchange: exchange)
                           : prefix + readableLine(report, heldOut: data.heldOut?.role, checkpoints: written,
                                                   exchange: exchange))
            }
        }
        plot.addCurve(curve, name: run ?? "batch \(batchSize)")
        if let finalTestLoader, let split = data.finalTest {
            let evaluation = try await measure(trainer, on: finalTestLoader, distributed: distributed)
            if leader {
                print(json ? JSON.object([("run", run.map { .string($0) } ?? .null)] + EvaluationText.json(evaluation, on: split.role, task: task)).text
                           : prefix + EvaluationText.readable(evaluation, on: split.role))
            }
        }
        if let save, leader {
            try ModelFile.save(network.state, metadata: try modelMetadata(data, outputs: outputs, loss: lossChoice), to: save)
        }
    }

    /// The model measured on `batches`, over every rank's slice when distributed.
    private func measure(_ trainer: Trainer, on batches: DataLoader<AnyDataset<Example>>, distributed: DistributedTraining?) async throws -> Evaluation {
        let evaluation = try await trainer.evaluate(on: batches)
        return try distributed?.global(evaluation) ?? evaluation
    }

    /// What every rank of a distributed run must share, by name: the options that change what is
    /// computed, the data's sizes, the model's parameter shapes and the training order.
    private func distributedSettings(
        _ data: PreparedData, model: Sequential, loader: DataLoader<AnyDataset<Example>>, loss: LossChoice, resumingFrom checkpoint: TrainingCheckpoint?
    ) throws -> [String: String] {
        var settings: [String: String] = [
            "--seed": "\(seed)", "--model": data.modelName, "--loss": loss.name, "--optimizer": optimizer.rawValue,
            "--learning-rate": "\(learningRate ?? optimizer.defaultLearningRate)", "--momentum": "\(momentum)",
            "--schedule": schedule ?? "none", "--batch-size": batchSize, "--epochs": "\(epochs)", "--task": task.rawValue,
            "--augment": augment ?? "none", "--standardize": "\(standardize)", "--classes": classes.map(String.init) ?? "from the labels",
            "--validation-split": validationSplit.map { "\($0)" } ?? "none", "--load": load ?? "none",
            "training samples": "\(data.train.count)", "sample shape": "\(data.sampleShape)",
            "parameter shapes": model.parameters.map { "\($0.value.shape)" }.joined(separator: " "),
            "normalization": data.normalization.map { "mean \($0.mean), std \($0.std)" } ?? "none",
            "resumed from": checkpoint.map { "step \($0.globalStep) of \($0.path ?? "a checkpoint")" } ?? "the start",
        ]
        for split in [data.heldOut, data.finalTest].compactMap({ $0 }) { settings["\(split.role) samples"] = "\(split.data.count)" }
        for (name, value) in loader.settings where name != "rank" { settings["training order \(name)"] = value }
        return settings
    }

    /// What `loaders evaluate` needs to rebuild and feed the model.
    private func modelMetadata(_ data: PreparedData, outputs: Int, loss: LossChoice) throws -> [String: String] {
        var metadata = [
            "spec": try modelSpec(data.modelName, outputs: outputs).description,
            "task": task.rawValue,
            "loss": loss.name,
            "sample_shape": data.sampleShape.map(String.init).joined(separator: ","),
            "outputs": String(outputs),
        ]
        if let normalization = data.normalization {
            metadata["normalization_mean"] = normalization.mean.map(\.description).joined(separator: ",")
            metadata["normalization_std"] = normalization.std.map(\.description).joined(separator: ",")
        }
        return metadata
    }

    /// `--classes`, or one more than the largest training label; every label, training and held
    /// out, must fall below it, since the loss cannot score a class the model has no output for.
    /// - Throws: `LoaderError` naming the file when a label does not fit.
    private func checkedClassCount(_ splits: [PreparedData.Split]) throws -> Int {
        let trainLargest = try largestLabel(in: splits[0].data, path: splits[0].path)
        // A label column that holds something else (an id, a price) would otherwise size the output
        // layer by its largest value and exhaust memory; so many classes must be asked for.
        guard classes != nil || trainLargest < Self.inferredClassLimit else {
            throw LoaderError(.unsupported, "label \(trainLargest) would make \(trainLargest + 1) classes; "
                              + "set --classes to train that many, or --task regression for real-valued targets", path: source.train)
        }
        let count = classes ?? max(2, trainLargest + 1)
        for (index, split) in splits.enumerated() {
            let largest = index == 0 ? trainLargest : try largestLabel(in: split.data, path: split.path)
            guard largest < count else {
                throw LoaderError(.mismatch, "label \(largest) does not fit \(count) classes (labels 0..<\(count)); see --classes", path: split.path)
            }
        }
        return count
    }

    /// The most classes taken from the labels without `--classes`.
    static let inferredClassLimit = 1 << 16

    private func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    /// The network `name` names for samples of `sampleShape` (`[channels, height, width]` for images).
    /// - Throws: `LoaderError` when the samples do not suit the model, when it has fewer outputs
    ///   than the task needs, or when its parameters, their gradients and the optimizer's state
    ///   would not fit in `MemoryLimit`.
    private func makeModel(_ name: String, sampleShape: [Int], outputs: Int) throws -> Sequential {
        let spec = try modelSpec(name, outputs: outputs)
        let plan: ModelSpec.Plan
        do {
            plan = try spec.plan(input: sampleShape)
        } catch {
            throw LoaderError(.unsupported, "\(error), for samples of \(sampleShape)", path: source.train)
        }
        let fits = task == .classification ? plan.outputShape.count == 1 && plan.outputShape[0] >= outputs : plan.outputShape == [outputs]
        guard fits else {
            let what = task == .classification ? "\(outputs) classes" : "\(outputs) target \(outputs == 1 ? "value" : "values")"
            throw LoaderError(.mismatch, "the model gives outputs of \(plan.outputShape) per sample, the data has \(what); "
                              + "end the spec with linear(\(outputs))", path: source.train)
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
            for: "the \(name) model for samples of \(sampleShape) (\(parameters.map(String.init) ?? "too many") parameters, "
                + "with gradients and \(optimizer.rawValue)'s state)",
            path: source.train)
        return try spec.makeModel(input: sampleShape, seed: seed)
    }

    /// Seconds for a person: milliseconds below one second, since a small data set's epoch takes
    /// a few, which "0.00 s" would hide.
    static func readable(seconds: Double) -> String {
        seconds < 1 ? String(format: "%.1f ms", seconds * 1000) : String(format: "%.2f s", seconds)
    }

    /// - Parameter checkpoints: the checkpoints written during and at the end of the epoch: the
    ///   training thread's time on them (part of the epoch's time for those during it), and the
    ///   background writes' time.
    /// - Parameter exchange: distributed, the epoch's gradient exchanges on this rank: their time,
    ///   their number and the bytes each sends.
    private func readableLine(_ report: EpochReport, heldOut role: String?, checkpoints: CheckpointWriter.Totals?,
                              exchange: GradientExchangeTotals?) -> String {
        var measured = ""
        if let role, let test = report.test { measured = ", " + EvaluationText.readable(test, on: role) }
        let written = checkpoints.map {
            ", \($0.count) checkpoints (\(Self.readable(seconds: $0.blockedSeconds)) of training, \(Self.readable(seconds: $0.writeSeconds)) writing)"
        } ?? ""
        let exchanged = exchange.map {
            ", allreduce \(Self.readable(seconds: $0.seconds)) over \($0.steps) steps of \($0.bytesPerStep) bytes"
        } ?? ""
        return String(format: "epoch %d: loss %.4f%@, %@ (%.0f samples/s)%@%@",
                      report.epoch, report.trainLoss, measured, Self.readable(seconds: report.trainSeconds), report.samplesPerSecond, written,
                      exchanged)
    }

    private func jsonLine(_ report: EpochReport, run: String?, batchSize: Int, heldOut role: String?,
                          checkpoints: CheckpointWriter.Totals?, exchange: GradientExchangeTotals?) -> String {
        JSON.object(
            (run.map { [("run", JSON.string($0))] } ?? [])
            + [("batch_size", .integer(Int128(batchSize))), ("epoch", .integer(Int128(report.epoch))), ("train_loss", .double(report.trainLoss))]
            + EvaluationText.json(report.test, on: role ?? "test", task: task)
            + [("train_seconds", .double(report.trainSeconds)), ("samples_per_second", .double(report.samplesPerSecond))]
            + (checkpoints.map {
                [("checkpoints", .integer(Int128($0.count))), ("checkpoint_seconds", .double($0.blockedSeconds)),
                 ("checkpoint_write_seconds", .double($0.writeSeconds))]
            } ?? [])
            + (exchange.map {
                [("allreduce_seconds", .double($0.seconds)), ("allreduce_steps", .integer(Int128($0.steps))),
                 ("allreduce_bytes", .integer(Int128($0.bytesPerStep)))]
            } ?? [])
        ).text
    }
}
