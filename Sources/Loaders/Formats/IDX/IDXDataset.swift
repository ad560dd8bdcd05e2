import Dispatch
import Synchronization

/// Samples from a pair of IDX files: one of features (images), one of targets (labels).
///
/// Opening reads and validates only the two headers. The first random access (`sample(at:)`,
/// `samples(at:)`) or `load()` inflates both payloads, concurrently, each straight into one buffer
/// of its declared size; they stay in memory as raw bytes and each sample is converted to Float
/// as it is read. Streaming (`stream(shard:)`) never loads the payloads: it reads sample by sample
/// through the (gzip) stream in constant memory.
///
/// Features: sample `i` is the `i`-th slice along the first dimension of the images file. uint8
/// images of rank 3, `[N, H, W]`, arrive as `[1, H, W]` Floats in [0, 1] (as torchvision's `ToTensor`
/// gives them); other uint8 files are scaled the same way with shape `shape.dropFirst()`; every
/// other element type arrives as the Float of its value.
///
/// Targets: sample `i`'s elements of the targets file, of any of the six element types, read as
/// the `TargetKind` asks. `.labels` (the default) gives class labels from a rank-1 file of
/// integers, or of floats whose values are whole numbers; `.values` gives real values as Float
/// (uint8 not scaled), shape `[1]` for a rank-1 file and the file's shape without its first
/// dimension otherwise, as a regression needs.
///
/// ```swift
/// let test = try IDXDataset(
///     images: "Fixtures/mnist/t10k-images-idx3-ubyte.gz",
///     labels: "Fixtures/mnist/t10k-labels-idx1-ubyte.gz")
/// test.count                      // 10000
/// try test.sample(at: 0).label    // 7
///
/// let line = try IDXDataset(images: "x.idx", labels: "y-float32.idx", targets: .values)
/// try line.sample(at: 0).values   // Tensor [1]
/// ```
public struct IDXDataset: Sendable {
    /// The path of the features (images) file.
    public let imagesPath: String
    /// The path of the targets (labels) file.
    public let labelsPath: String
    /// The validated header of the features file.
    public let imagesHeader: IDXHeader
    /// The validated header of the targets (labels) file.
    public let labelsHeader: IDXHeader
    /// Whether targets are read as class labels or as real values.
    public var targetKind: TargetKind { targetDecoder.kind }
    /// The shape of one sample's target under `.values`: `[1]` for a rank-1 targets file, its
    /// shape without the first dimension otherwise.
    public var targetShape: [Int] { targetDecoder.valueShape }
    /// The shape of one sample's features, e.g. `[1, 28, 28]`.
    public let sampleShape: [Int]
    /// How many shards `stream(shard:)` splits the samples into.
    public let shardCount: Int

    let targetDecoder: IDXTargetDecoder
    private let payloads: PayloadCache

    /// Opens a features file and a targets file, raw or gzipped, and validates their headers.
    /// - Parameters:
    ///   - images: the features file; its first dimension counts the samples.
    ///   - labels: the targets file, any element type; its first dimension counts the samples.
    ///   - targets: `.labels` for class labels (a rank-1 file; float elements must be whole
    ///     numbers, checked as each sample is read), `.values` for real values of any shape.
    ///   - shards: how many contiguous shards streaming splits the samples into (a gzipped file's
    ///     later shards inflate and discard the samples before theirs, so 1 suits gzip best).
    /// - Throws: `LoaderError` naming the file and byte offset for a bad header; `.unsupported` for
    ///   class labels from a file of rank above 1; `.mismatch` naming both files when the sample
    ///   counts differ or both paths name the same file. A float label that is not a whole number
    ///   fails when its sample is read, naming the file, the sample and the value.
    /// - Complexity: O(1): only the headers are read.
    public init(images: String, labels: String, targets: TargetKind = .labels, shards: Int = 1) throws {
        require(shards >= 1, "IDXDataset needs at least one shard, got \(shards)")
        // Only the headers are read here, so a small input block suffices.
        let imagesReader = try IDXReader(path: images, blockSize: 1 << 16)
        let labelsReader = try IDXReader(path: labels, blockSize: 1 << 16)
        // A rank-1 integer file would otherwise pass every check below as its own labels.
        guard imagesReader.stream.file.identity != labelsReader.stream.file.identity else {
            throw LoaderError(
                .mismatch, "the labels file \(labels) is the images file itself; a file cannot label its own samples",
                path: images)
        }
        let imagesHeader = imagesReader.header
        let labelsHeader = labelsReader.header
        let targetDecoder = try IDXTargetDecoder(path: labels, header: labelsHeader, kind: targets)
        guard imagesHeader.shape[0] == labelsHeader.shape[0] else {
            throw LoaderError(
                .mismatch,
                "\(imagesHeader.shape[0]) samples in \(images) but \(labelsHeader.shape[0]) labels in \(labels)",
                path: images)
        }
        let featureShape = Array(imagesHeader.shape.dropFirst())
        self.imagesPath = images
        self.labelsPath = labels
        self.imagesHeader = imagesHeader
        self.labelsHeader = labelsHeader
        self.targetDecoder = targetDecoder
        self.sampleShape =
            imagesHeader.elementType == .uint8 && featureShape.count == 2 ? [1] + featureShape : featureShape
        self.shardCount = shards
        self.payloads = PayloadCache()
    }

    /// The number of samples.
    public var count: Int { imagesHeader.shape[0] }

    /// The number of Float elements in one sample's features.
    var featuresPerSample: Int { sampleShape.reduce(1, *) }

    /// Inflates and keeps both payloads now, rather than at the first random access; does nothing
    /// when they are already loaded.
    /// - Throws: `LoaderError` naming the file and byte offset of bad data.
    /// - Complexity: O(file sizes); memory is the two declared payload sizes.
    public func load() throws {
        _ = try loadedPayloads()
    }

    func loadedPayloads() throws -> Payloads {
        try payloads.state.withLock { state in
            if let state { return state }
            let loaded = try Self.loadConcurrently(images: imagesPath, labels: labelsPath)
            try checkHeadersUnchanged(images: loaded.images.header, labels: loaded.labels.header)
            state = loaded
            return loaded
        }
    }

    /// Checks the headers read again, when the payloads are read, against those read at opening.
    /// - Throws: `LoaderError` `.fileChanged` naming the file whose header changed, and both headers.
    func checkHeadersUnchanged(images: IDXHeader, labels: IDXHeader) throws {
        for (path, then, now) in [(imagesPath, imagesHeader, images), (labelsPath, labelsHeader, labels)] where then != now {
            func text(_ header: IDXHeader) -> String {
                "\(header.elementType) \(header.shape.map(String.init).joined(separator: " x "))"
            }
            throw LoaderError(
                .fileChanged, "the IDX header changed since the dataset was opened: \(text(then)) then, \(text(now)) now",
                path: path, location: .byteOffset(0))
        }
    }

    /// Inflates the labels file on a second thread while this one inflates the images.
    private static func loadConcurrently(images: String, labels: String) throws -> Payloads {
        let results = Mutex<(images: Result<IDXArray, any Error>?, labels: Result<IDXArray, any Error>?)>((nil, nil))
        DispatchQueue.concurrentPerform(iterations: 2) { task in
            if task == 0 {
                let result = Result { try IDXArray(contentsOf: images) }
                results.withLock { $0.images = result }
            } else {
                let result = Result { try IDXArray(contentsOf: labels) }
                results.withLock { $0.labels = result }
            }
        }
        let (imagesResult, labelsResult) = results.withLock { ($0.images!, $0.labels!) }
        return Payloads(images: try imagesResult.get(), labels: try labelsResult.get())
    }

    /// Both decoded payloads.
    struct Payloads: Sendable {
        var images: IDXArray
        var labels: IDXArray
    }

    /// Holds the payloads once loaded; shared by every copy of the dataset.
    private final class PayloadCache: Sendable {
        let state = Mutex<Payloads?>(nil)
    }
}
