import Loaders

/// Samples from two HDF5 datasets, features and targets (labels), row by row; the targets may
/// live in a second file.
///
/// Row `i` of the features dataset (any rank, any supported element type) becomes sample `i`'s
/// features as Float: uint8 scaled to [0, 1], and uint8 images `[N, H, W]` arriving as
/// `[1, H, W]`, exactly as `IDXDataset` gives them; other types converted as stored, with shape
/// `shape.dropFirst()`.
///
/// Row `i` of the targets dataset (any integer or float type, either byte order) becomes sample
/// `i`'s target as the `TargetKind` asks: `.labels` (the default) a class label from a dataset of
/// shape `[N]` or `[N, 1]` holding integers, or floats whose values are whole numbers; `.values`
/// real values as Float (uint8 not scaled), shape `[1]` for a dataset of shape `[N]` and the
/// dataset's shape without its first dimension otherwise, as a regression needs.
///
/// Both random access (`Dataset`) and streaming (`StreamingDataset`) read without one libhdf5
/// call per sample: a batch's rows are sorted and read a block at a time, chunks are inflated in
/// the calling worker thread, decoded blocks are shared by all workers up to `cacheBytes`.
///
/// ```swift
/// let train = try HDF5Dataset("mnist.h5", features: "/images", labels: "/labels")
/// train.count                      // 60000
/// try train.sample(at: 0).features // Tensor [1, 28, 28], Float in [0, 1]
///
/// let line = try HDF5Dataset("line.h5", features: "/x", labels: "/y", targets: .values)
/// try line.sample(at: 0).values    // Tensor [1]
/// ```
public struct HDF5Dataset: Dataset, Sendable {
    public typealias Element = Example

    /// The file's path (of the features).
    public var path: String { features.stored.file.path }
    public var origin: String? { path }
    /// The path of the file holding the targets: `path` unless they were opened from a second file.
    public var labelsFilePath: String { labels.stored.file.path }
    /// The features dataset as stored.
    public var featuresInfo: HDF5DatasetInfo { features.stored.info }
    /// The targets (labels) dataset as stored.
    public var labelsInfo: HDF5DatasetInfo { labels.stored.info }
    /// The shape of one sample's features.
    public let sampleShape: [Int]
    /// Whether targets are read as class labels or as real values.
    public let targetKind: TargetKind
    /// The shape of one sample's target under `.values`: `[1]` for a targets dataset of shape
    /// `[N]`, its shape without the first dimension otherwise.
    public let targetShape: [Int]
    public let count: Int
    /// How many shards `stream(shard:)` splits the rows into.
    public let shardCount: Int

    let features: RowSource
    let labels: RowSource

    /// Opens `features` and `labels` in the HDF5 file at `path` (`labels` in `labelsFile`, when given).
    ///
    /// - Parameters:
    ///   - path: the HDF5 file.
    ///   - features: the features dataset's path; its first dimension indexes samples.
    ///   - labels: the targets dataset's path; its first dimension indexes samples.
    ///   - labelsFile: another HDF5 file holding `labels`, with as many rows as `features`.
    ///   - targets: `.labels` for class labels (shape `[N]` or `[N, 1]`; float elements must be
    ///     whole numbers, checked as each row is read), `.values` for real values of any shape.
    ///   - sampleShape: the shape to give each sample's features (same element count); by default
    ///     `[1, H, W]` for uint8 `[N, H, W]` images, else the dataset's shape without its first dimension.
    ///   - cacheBytes: the most decoded bytes kept for random access (per dataset).
    ///   - shards: the number of shards for streaming; by default up to 8, split on block edges.
    ///   - strategy: `.direct` (parallel, the default) or `.libhdf5` (every read through libhdf5).
    /// - Throws: `LoaderError` naming the file and dataset: a file or a dataset cannot be read,
    ///   element types are unsupported, counts differ (`.mismatch`, naming both files and both
    ///   counts), class labels are not one per row, or one target converted to Float passes
    ///   `MemoryLimit`.
    public init(
        _ path: String, features: String = "/images", labels: String = "/labels", labelsFile: String? = nil,
        targets: TargetKind = .labels, sampleShape: [Int]? = nil, cacheBytes: Int = 1 << 30, shards: Int? = nil,
        strategy: HDF5ReadStrategy = .direct
    ) throws {
        require(cacheBytes >= 0, "cacheBytes must not be negative")
        require(shards.map { $0 > 0 } ?? true, "shards must be positive")
        let file = try HDF5File(path)
        let labelFile = try labelsFile.map { try HDF5File($0) } ?? file
        let featureData = try StoredDataset(file: file, datasetPath: features, strategy: strategy)
        let labelData = try StoredDataset(file: labelFile, datasetPath: labels, strategy: strategy)
        guard !featureData.info.shape.isEmpty else {
            throw LoaderError(.unsupported, "features must have a first dimension indexing samples", path: path, location: .datasetPath(features))
        }
        let targetShape = try Self.targetShape(of: labelData, kind: targets)
        guard featureData.rowCount == labelData.rowCount else {
            let labelsPlace = labelsFile.map { "\($0):\(labels)" } ?? labels
            let featuresPlace = labelsFile == nil ? features : "\(path):\(features)"
            throw LoaderError(
                .mismatch, "\(featureData.rowCount) feature rows in \(featuresPlace) but \(labelData.rowCount) labels in \(labelsPlace)",
                path: labelFile.path, location: .datasetPath(labels))
        }
        let rowShape = Array(featureData.info.shape.dropFirst())
        let naturalShape = featureData.info.elementType == .uint8 && rowShape.count == 2 ? [1] + rowShape : rowShape
        if let sampleShape {
            guard sampleShape.allSatisfy({ $0 >= 0 }), Tensor<Float>.elementCount(of: sampleShape) == featureData.rowElementCount else {
                throw LoaderError(
                    .mismatch, "sample shape \(sampleShape) does not hold the \(featureData.rowElementCount) elements of a row of \(featureData.info.shape)",
                    path: path, location: .datasetPath(features))
            }
        }
        self.sampleShape = sampleShape ?? naturalShape
        self.targetKind = targets
        self.targetShape = targetShape
        self.count = featureData.rowCount
        self.features = RowSource(featureData, cacheBytes: cacheBytes)
        self.labels = RowSource(labelData, cacheBytes: cacheBytes)
        self.shardCount = shards ?? max(1, min(8, featureData.blockCount))
    }

    /// The shape of one row's target values, after checking that `kind` can be read from `stored`.
    /// - Throws: `LoaderError` naming the file and dataset for a scalar, for class labels of a
    ///   shape other than `[N]` or `[N, 1]`, or for one row's Floats past `MemoryLimit`.
    private static func targetShape(of stored: StoredDataset, kind: TargetKind) throws -> [Int] {
        let shape = stored.info.shape
        let place = (path: stored.file.path, location: LoaderError.Location.datasetPath(stored.info.path))
        guard !shape.isEmpty else {
            throw LoaderError(.unsupported, "targets must have a first dimension indexing samples, not a scalar", path: place.path, location: place.location)
        }
        if kind == .labels, !(shape.count == 1 || shape.count == 2 && shape[1] == 1) {
            throw LoaderError(
                .mismatch,
                "class labels must have shape [N] or [N, 1], not \(shape); targets: .values reads real-valued targets of any shape (loaders train --task regression)",
                path: place.path, location: place.location)
        }
        try MemoryLimit.check(
            MemoryLimit.product([stored.rowElementCount, MemoryLayout<Float>.stride]),
            for: "one sample's target of shape \(Array(shape.dropFirst())) as Float", path: place.path, location: place.location)
        return shape.count == 1 ? [1] : Array(shape.dropFirst())
    }

    /// Row `row`'s target from its stored bytes at `raw`: the one place random access and
    /// streaming decode targets.
    /// - Throws: `LoaderError` naming the file, dataset, row and value of a class label that is
    ///   not a whole number or does not fit in `Int`.
    func target(_ raw: UnsafeRawPointer, row: Int) throws -> Example.Target {
        let stored = labels.stored
        // The two fields alone: copying the whole info would retain its arrays for every row.
        let (element, order) = (stored.info.elementType, stored.info.byteOrder)
        switch targetKind {
        case .labels:
            switch ElementConversion.label(raw, element: element, order: order) {
            case .success(let value): return .label(value)
            case .failure(let unusable): throw unusable.error(labelsPath: stored.info.path, row: row, file: labelsFilePath)
            }
        case .values:
            let count = stored.rowElementCount
            let values = [Float](uninitializedCapacity: count) { buffer, initialized in
                if let target = buffer.baseAddress {
                    ElementConversion.values(raw, count: count, element: element, order: order, into: target)
                }
                initialized = count
            }
            return .values(Tensor(shape: targetShape, scalars: values))
        }
    }

    public func sample(at index: Int) throws -> Example {
        try samples(at: [index])[0]
    }

    /// Reads the samples at `indices` in that order, a block or run of rows at a time.
    /// - Throws: `LoaderError` naming the file, dataset and place of unreadable data, or the
    ///   value, dataset and row of a class label that is not an integer or does not fit in `Int`.
    /// - Complexity: O(n log n) plus one read per distinct block (or run of rows) touched.
    public func samples(at indices: [Int]) throws -> [Example] {
        for index in indices {
            require(index >= 0 && index < count, "sample index \(index) outside 0..<\(count)")
        }
        var targets = [Example.Target](repeating: .label(0), count: indices.count)
        try labels.visit(indices) { position, raw in
            targets[position] = try target(raw, row: indices[position])
        }
        var featureValues = [[Float]](repeating: [], count: indices.count)
        let featureInfo = features.stored.info
        let elements = features.stored.rowElementCount
        try features.visit(indices) { position, raw in
            featureValues[position] = [Float](uninitializedCapacity: elements) { buffer, initialized in
                if let target = buffer.baseAddress {
                    ElementConversion.floats(raw, count: elements, element: featureInfo.elementType, order: featureInfo.byteOrder, into: target)
                }
                initialized = elements
            }
        }
        let shape = sampleShape
        return (0..<indices.count).map { position in
            Example(features: Tensor(shape: shape, scalars: featureValues[position]), target: targets[position])
        }
    }
}
