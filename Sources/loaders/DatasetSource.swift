import ArgumentParser
import Foundation
import Loaders
import LoadersHDF5

/// The options naming a data source, shared by `bench`, `convert` and `train`.
struct SourceOptions: ParsableArguments {
    @Option(help: "An MNIST folder, an IDX images file (its labels beside it: x-images-idx3-ubyte[.gz] has x-labels-idx1-ubyte[.gz]), or a data file.")
    var train: String = Self.bundledMNIST

    /// The MNIST folder in this package's repository, the default `--train` when run from there.
    static let bundledMNIST = "Fixtures/mnist"

    /// Refuses the default `--train` where it is not: run outside the repository, the data must
    /// be named.
    /// - Throws: `LoaderError` `.io` saying what `--train` takes.
    private func checkDefaultExists(_ path: String) throws {
        guard path == Self.bundledMNIST, !FileManager.default.fileExists(atPath: path) else { return }
        throw LoaderError(
            .io, "no --train given, and the repository's MNIST folder is not here: name your data with --train "
                + "(an MNIST folder, an IDX images file, a CSV file or an HDF5 file)", path: path)
    }

    @Option(help: "classification (integer class labels 0..<k) or regression (real-valued targets); the targets are read as the task needs them.")
    var task: TaskChoice?

    @Option(help: "CSV: the label column's name.")
    var labelColumn = "label"

    @Option(help: ArgumentHelp("CSV: a target column, by name, or #N for the Nth column; repeat it for several targets (default: --label-column).",
                               valueName: "column"))
    var targetColumn: [String] = []

    @Option(help: ArgumentHelp("The targets in a file of their own: an IDX labels file (instead of the one beside the images), or the HDF5 file holding --labels.",
                               valueName: "path"))
    var targets: String?

    @Option(help: ArgumentHelp("CSV: the shape of one sample's features, e.g. 1,28,28.", valueName: "dims"))
    var shape: String?

    @Option(help: ArgumentHelp("CSV: the field delimiter, one character or \"tab\" (default: comma; tab for .tsv).", valueName: "char"))
    var delimiter: String?

    @Option(help: "HDF5: the features dataset.")
    var features = "/images"

    @Option(help: "HDF5: the labels dataset.")
    var labels = "/labels"

    @Option(help: "HDF5: decode blocks in the workers in parallel (direct), or read everything through libhdf5, one call at a time (libhdf5).")
    var hdf5Read: HDF5ReadStrategy = .direct

    @Option(help: ArgumentHelp(
        "Refuse whatever a file's metadata or an option sizes past this much memory, e.g. 512M or 8G (default: the memory this process can have).",
        valueName: "size"))
    var memoryLimit: String?

    func validate() throws {
        _ = try targetColumns()
        _ = try sampleShape()
        _ = try csvFormat(default: ",")
        _ = try memoryLimitBytes()
    }

    /// `--memory-limit` in bytes, nil when absent.
    /// - Throws: `ValidationError` unless it is a positive number with an optional K, M, G or T
    ///   (binary multiples, "KiB" and "KB" alike).
    func memoryLimitBytes() throws -> Int? {
        guard let memoryLimit else { return nil }
        let text = memoryLimit.trimmingCharacters(in: .whitespaces).uppercased()
        let number = text.prefix { $0.isNumber || $0 == "." }
        let unit = text.dropFirst(number.count).trimmingCharacters(in: .whitespaces)
        let shifts: [String: Int] = ["": 0, "B": 0, "K": 10, "KB": 10, "KIB": 10, "M": 20, "MB": 20, "MIB": 20,
                                     "G": 30, "GB": 30, "GIB": 30, "T": 40, "TB": 40, "TIB": 40]
        guard let value = Double(number), value > 0, let shift = shifts[unit],
              case let bytes = value * Double(1 << shift), bytes >= 1, bytes < 0x1p62 else {
            throw ValidationError("--memory-limit must be a positive size like 512M or 8G; got \(memoryLimit)")
        }
        return Int(bytes)
    }

    /// Holds everything sized from files or options from now on to `--memory-limit`.
    private func applyMemoryLimit() throws {
        if let bytes = try memoryLimitBytes() { MemoryLimit.bytes = bytes }
    }

    /// The CSV format for a file whose extension suggests `defaultDelimiter`, `--delimiter` winning.
    /// - Throws: `ValidationError` unless the delimiter is one ASCII character other than a quote or line break.
    func csvFormat(default defaultDelimiter: Character) throws -> CSVFormat {
        try Self.csvFormat(delimiter: delimiter, default: defaultDelimiter)
    }

    /// The CSV format with `delimiter` as given on the command line, or `defaultDelimiter`.
    /// - Throws: `ValidationError` unless the delimiter is one ASCII character other than a quote or line break.
    static func csvFormat(delimiter: String?, default defaultDelimiter: Character) throws -> CSVFormat {
        guard let delimiter else { return CSVFormat(delimiter: defaultDelimiter) }
        let character: Character? = delimiter.lowercased() == "tab" || delimiter == "\\t" ? "\t" : delimiter.first
        guard delimiter.count == 1 || character == "\t", let character, character.isASCII,
              !["\"", "\r", "\n", "\r\n"].contains(character) else {
            throw ValidationError("--delimiter must be one ASCII character other than a quote or line break, or \"tab\"; got \(delimiter)")
        }
        return CSVFormat(delimiter: character)
    }

    /// What the targets are read as: real values for `--task regression`, else class labels.
    var targetKind: TargetKind { task?.targetKind ?? .labels }

    /// `--target-column`s, or `--label-column`: `#N` is the Nth column (counted from 1, as the
    /// errors' columns are), anything else a name, so that a header named "3" stays a name.
    /// - Throws: `ValidationError` for `#` without a positive whole number.
    func targetColumns() throws -> [CSVColumn] {
        guard !targetColumn.isEmpty else { return [.name(labelColumn)] }
        return try targetColumn.map { text in
            guard text.hasPrefix("#") else { return .name(text) }
            guard let position = Int(text.dropFirst()), position >= 1 else {
                throw ValidationError("--target-column \(text): #N names the Nth column, counted from 1")
            }
            return .index(position - 1)
        }
    }

    /// Refuses the CSV-only and the binary-only target options where they do not apply.
    private func checkTargetOptions(csv: Bool, path: String) throws {
        if csv, targets != nil {
            throw LoaderError(.unsupported, "--targets names a separate targets file for IDX or HDF5; a CSV's targets are its columns (--target-column)", path: path)
        }
        if !csv, !targetColumn.isEmpty {
            throw LoaderError(.unsupported, "--target-column chooses CSV columns; IDX and HDF5 targets come from --labels or --targets", path: path)
        }
    }

    /// `--shape` as dimensions, nil when absent.
    /// - Throws: `ValidationError` unless it is positive integers separated by commas.
    func sampleShape() throws -> [Int]? {
        guard let shape else { return nil }
        let dimensions = shape.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !dimensions.isEmpty, dimensions.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError("--shape must be positive integers separated by commas, like 1,28,28; got \(shape)")
        }
        return dimensions.map { $0! }
    }

    /// Opens `path` as a dataset of examples, decoded and ready for random access.
    /// - Parameter split: for an MNIST folder, which split to read.
    /// - Throws: `LoaderError` naming the file and the place.
    func open(_ path: String, split: MNIST.Split = .train) throws -> OpenedSource {
        try applyMemoryLimit()
        try checkDefaultExists(path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            let mnist = try MNIST(directory: path, split: split)
            try mnist.load()
            return OpenedSource(format: "idx", dataset: mnist, sampleShape: mnist.dataset.sampleShape)
        }
        switch try FileFormat.detect(path: path) {
        case .idx:
            try checkTargetOptions(csv: false, path: path)
            let idx = try IDXDataset(images: path, labels: targets ?? Self.idxLabels(besideImages: path), targets: targetKind)
            try idx.load()
            return OpenedSource(format: "idx", dataset: idx, sampleShape: idx.sampleShape)
        case .csv(let delimiter):
            try checkTargetOptions(csv: true, path: path)
            let csv = try CSVDataset(
                path, targetColumns: try targetColumns(), targets: targetKind, shape: try sampleShape(),
                format: try csvFormat(default: delimiter))
            return OpenedSource(format: "csv", dataset: csv, sampleShape: csv.featureShape)
        case .hdf5:
            try checkTargetOptions(csv: false, path: path)
            // Blocks are read and decoded on first use, by the loader's workers in parallel.
            let hdf5 = try HDF5Dataset(path, features: features, labels: labels, labelsFile: targets, targets: targetKind, strategy: hdf5Read)
            return OpenedSource(format: "hdf5", dataset: hdf5, sampleShape: hdf5.sampleShape)
        }
    }

    /// Opens `path` for reading front to back in `shards` shards, holding only what a shard reads.
    /// - Throws: `LoaderError` naming the file and the place.
    func openStreaming(_ path: String, shards: Int) throws -> OpenedStreamingSource {
        try applyMemoryLimit()
        try checkDefaultExists(path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            let mnist = try MNIST(directory: path, split: .train, shards: shards)
            return OpenedStreamingSource(format: "idx", dataset: mnist, sampleShape: mnist.dataset.sampleShape, count: mnist.count)
        }
        switch try FileFormat.detect(path: path) {
        case .idx:
            try checkTargetOptions(csv: false, path: path)
            let idx = try IDXDataset(images: path, labels: targets ?? Self.idxLabels(besideImages: path), targets: targetKind, shards: shards)
            return OpenedStreamingSource(format: "idx", dataset: idx, sampleShape: idx.sampleShape, count: idx.count)
        case .csv(let delimiter):
            try checkTargetOptions(csv: true, path: path)
            let csv = try CSVStreamingDataset(
                path, targetColumns: try targetColumns(), targets: targetKind, shape: try sampleShape(),
                format: try csvFormat(default: delimiter), shards: shards)
            return OpenedStreamingSource(format: "csv", dataset: csv, sampleShape: csv.featureShape, count: nil)
        case .hdf5:
            try checkTargetOptions(csv: false, path: path)
            let hdf5 = try HDF5Dataset(path, features: features, labels: labels, labelsFile: targets, targets: targetKind, shards: shards, strategy: hdf5Read)
            return OpenedStreamingSource(format: "hdf5", dataset: hdf5, sampleShape: hdf5.sampleShape, count: hdf5.count)
        }
    }

    /// The labels file of the IDX images file at `path`, found beside it by MNIST's naming:
    /// `train-images-idx3-ubyte.gz` has its labels in `train-labels-idx1-ubyte.gz`, or in the same
    /// name without `.gz` (with it, for an uncompressed images file).
    /// - Throws: `LoaderError` `.io` saying where labels were looked for when none is there, or how
    ///   to name the files when the name has no `images-idx3` to derive a labels name from; the
    ///   system's reason when a labels file is there but cannot be opened.
    static func idxLabels(besideImages path: String) throws -> String {
        guard let labels = labelsPath(besideImages: path) else {
            let hint = (path as NSString).lastPathComponent.contains("labels-idx1") ? " (this looks like a labels file)" : ""
            throw LoaderError(
                .io,
                "no labels file for these IDX images\(hint): labels are found beside an images file by MNIST's naming, "
                    + "x-images-idx3-ubyte[.gz] beside x-labels-idx1-ubyte[.gz], and this name has no \"images-idx3\"",
                path: path)
        }
        let other = labels.hasSuffix(".gz") ? String(labels.dropLast(3)) : labels + ".gz"
        if let file = try ReadOnlyFile.openFirst(of: [labels, other]) { return file.path }
        throw LoaderError(.io, "no labels file for these IDX images: looked for \(labels) and \(other)", path: path)
    }

    /// MNIST's naming: `train-images-idx3-ubyte.gz` has its labels in `train-labels-idx1-ubyte.gz`.
    /// - Returns: nil when the file name has no `images-idx3`: no other name can be derived from it.
    static func labelsPath(besideImages path: String) -> String? {
        let name = (path as NSString).lastPathComponent
        guard name.contains("images-idx3") else { return nil }
        let directory = (path as NSString).deletingLastPathComponent
        let labels = name.replacingOccurrences(of: "images-idx3", with: "labels-idx1")
        return directory.isEmpty ? labels : directory + "/" + labels
    }
}

/// `--task`: what the targets are for, and so how they are read.
enum TaskChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
    case classification, regression

    var targetKind: TargetKind {
        switch self {
        case .classification: .labels
        case .regression: .values
        }
    }
}

/// A dataset opened from the command line, with the name of its format.
struct OpenedSource {
    var format: String
    var dataset: any Dataset<Example>
    /// One sample's feature shape, from the file's metadata: nothing has been read for it.
    var sampleShape: [Int]

    /// Refuses a loader whose batches would not fit in `MemoryLimit`, before any is read: each of
    /// at most `inFlight` batches (no more than the epoch has) holds `batchSize` samples twice
    /// over (as read, and collated).
    /// - Throws: `LoaderError` `.resourceExhausted` naming `path`, the batches and their size.
    func checkBatchMemory(batchSize: Int, inFlight: Int, path: String) throws {
        let samples = min(batchSize, dataset.count)
        let (fullBatches, remainder) = dataset.count.quotientAndRemainder(dividingBy: batchSize)
        let batches = min(inFlight, fullBatches + (remainder == 0 ? 0 : 1))
        try checkMemory(
            samples: MemoryLimit.product([samples, 2, batches]), of: sampleShape,
            for: "\(batches) \(batches == 1 ? "batch" : "batches") of \(samples) samples of \(sampleShape)", path: path)
    }
}

/// Refuses to hold `samples` samples of `sampleShape` as floats when they would not fit in
/// `MemoryLimit`.
/// - Throws: `LoaderError` `.resourceExhausted` naming `path`, `purpose` and the size.
private func checkMemory(samples: Int?, of sampleShape: [Int], for purpose: String, path: String) throws {
    try MemoryLimit.check(
        samples.flatMap { MemoryLimit.product(sampleShape + [MemoryLayout<Float>.stride, $0]) }, for: purpose, path: path)
}

/// A streaming dataset opened from the command line, with the name of its format.
struct OpenedStreamingSource {
    var format: String
    var dataset: any StreamingDataset<Example>
    /// One sample's feature shape, from the file's metadata.
    var sampleShape: [Int]
    /// The number of samples, where the metadata says it without reading the file through.
    var count: Int?

    /// Refuses a streaming loader whose samples in memory would not fit in `MemoryLimit`, before
    /// any is read: each worker fills a shuffle buffer and holds `prefetch` chunks of a batch (all
    /// of them together no more than the file has), and the consumer a batch twice over (as
    /// read, and collated).
    /// - Throws: `LoaderError` `.resourceExhausted` naming `path`, the samples and their size.
    func checkMemory(batchSize: Int, shuffleBuffer: Int, workers: Int, prefetch: Int, path: String) throws {
        let (batch, buffer) = (min(batchSize, count ?? batchSize), min(shuffleBuffer, count ?? shuffleBuffer))
        let perWorker = MemoryLimit.sum([MemoryLimit.product([batch, prefetch]), buffer])
        let held = perWorker.flatMap { MemoryLimit.product([$0, max(workers, 1)]) }.map { min($0, count ?? $0) }
        let samples = MemoryLimit.sum([held, MemoryLimit.product([2, batch])])
        try loaders.checkMemory(
            samples: samples, of: sampleShape,
            for: "\(samples.map(String.init) ?? "too many") samples of \(sampleShape) in shuffle buffers and batches", path: path)
    }
}

extension HDF5ReadStrategy: ExpressibleByArgument {}
