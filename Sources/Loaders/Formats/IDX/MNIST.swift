/// The MNIST handwritten digits, read from their four standard IDX files, gzipped or not.
///
/// Finds `train-images-idx3-ubyte` / `train-labels-idx1-ubyte` (or the `t10k-` pair for `.test`),
/// preferring the uncompressed name and falling back to the `.gz` one, and reads them as an
/// `IDXDataset`: `[1, 28, 28]` Float images in [0, 1] and labels 0…9, by random access or streamed.
///
/// ```swift
/// let train = try MNIST(directory: "Fixtures/mnist", split: .train)
/// train.count                    // 60000
/// try train.sample(at: 0).label  // 5
/// ```
public struct MNIST: Sendable {
    /// Which half of MNIST to read.
    public enum Split: String, Sendable, CaseIterable {
        /// 60,000 training samples.
        case train
        /// 10,000 test samples.
        case test

        /// The prefix of the split's file names.
        var filePrefix: String {
            switch self {
            case .train: "train"
            case .test: "t10k"
            }
        }
    }

    /// The split's images and labels.
    public let dataset: IDXDataset

    /// Opens the `split` files in `directory`.
    /// - Parameters:
    ///   - directory: the folder holding the IDX files.
    ///   - split: `.train` or `.test`.
    ///   - shards: how many shards streaming splits the samples into (see `IDXDataset`).
    /// - Throws: `LoaderError` `.io` naming both paths looked for when a file is missing, or the
    ///   system's reason when it is there but cannot be opened (a directory, no permission); any
    ///   error of `IDXDataset(images:labels:shards:)`.
    /// - Complexity: O(1): only the headers are read until the first random access.
    public init(directory: String, split: Split, shards: Int = 1) throws {
        dataset = try IDXDataset(
            images: try Self.locate("\(split.filePrefix)-images-idx3-ubyte", in: directory),
            labels: try Self.locate("\(split.filePrefix)-labels-idx1-ubyte", in: directory),
            shards: shards)
    }

    /// Inflates both files now rather than at the first random access (see `IDXDataset.load()`).
    public func load() throws {
        try dataset.load()
    }

    /// The path of `name` in `directory`, or of `name.gz` when that is the one that opens.
    /// - Throws: the system's reason (`.io`) for a folder or a file that is there but cannot be
    ///   opened; `.io` naming both paths looked for when neither file is there.
    private static func locate(_ name: String, in directory: String) throws -> String {
        try ReadOnlyFile.checkFolder(directory)
        let base = directory.hasSuffix("/") ? directory + name : directory + "/" + name
        if let file = try ReadOnlyFile.openFirst(of: [base, base + ".gz"]) { return file.path }
        throw LoaderError(.io, "no MNIST file \(name): looked for \(base) and \(base).gz", path: directory)
    }
}
