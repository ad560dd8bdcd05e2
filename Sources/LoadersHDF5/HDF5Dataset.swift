import Loaders

/// Labelled samples from two datasets of one HDF5 file: features and labels, row by row.
///
/// Row `i` of the features dataset (any rank, any supported element type) becomes sample `i`'s
/// features as Float: uint8 scaled to [0, 1], and uint8 images `[N, H, W]` arriving as
/// `[1, H, W]`, exactly as `IDXDataset` gives them; other types converted as stored, with shape
/// `shape.dropFirst()`;
/// element `i` of the labels dataset (integers, or floats with integral values; shape `[N]` or
/// `[N, 1]`) its label. Both random access (`Dataset`) and streaming (`StreamingDataset`) read
/// without one libhdf5 call per sample: a batch's rows are sorted and read a block at a time,
/// chunks are inflated in the calling worker thread, decoded blocks are shared by all workers up
/// to `cacheBytes`.
///
/// ```swift
/// let train = try HDF5Dataset("mnist.h5", features: "/images", labels: "/labels")
/// train.count                      // 60000
/// try train.sample(at: 0).features // Tensor [1, 28, 28], Float in [0, 1]
/// ```
public struct HDF5Dataset: Dataset, Sendable {
    public typealias Element = Example

    /// The file's path.
    public var path: String { features.stored.file.path }
    public var origin: String? { path }
    /// The features dataset as stored.
    public var featuresInfo: HDF5DatasetInfo { features.stored.info }
    /// The labels dataset as stored.
    public var labelsInfo: HDF5DatasetInfo { labels.stored.info }
    /// The shape of one sample's features.
    public let sampleShape: [Int]
    public let count: Int
    /// How many shards `stream(shard:)` splits the rows into.
    public let shardCount: Int

    let features: RowSource
    let labels: RowSource

    /// Opens `features` and `labels` in the HDF5 file at `path`.
    ///
    /// - Parameters:
    ///   - path: the HDF5 file.
    ///   - features: the features dataset's path; its first dimension indexes samples.
    ///   - labels: the labels dataset's path, of shape `[N]` or `[N, 1]`.
    ///   - sampleShape: the shape to give each sample's features (same element count); by default
    ///     `[1, H, W]` for uint8 `[N, H, W]` images, else the dataset's shape without its first dimension.
    ///   - cacheBytes: the most decoded bytes kept for random access (per dataset).
    ///   - shards: the number of shards for streaming; by default up to 8, split on block edges.
    ///   - strategy: `.direct` (parallel, the default) or `.libhdf5` (every read through libhdf5).
    /// - Throws: `LoaderError` naming the file and dataset: the file or a dataset cannot be read,
    ///   element types are unsupported, counts differ (`.mismatch`) or labels are not one per row.
    public init(
        _ path: String, features: String = "/images", labels: String = "/labels",
        sampleShape: [Int]? = nil, cacheBytes: Int = 1 << 30, shards: Int? = nil,
        strategy: HDF5ReadStrategy = .direct
    ) throws {
        require(cacheBytes >= 0, "cacheBytes must not be negative")
        require(shards.map { $0 > 0 } ?? true, "shards must be positive")
        let file = try HDF5File(path)
        let featureData = try StoredDataset(file: file, datasetPath: features, strategy: strategy)
        let labelData = try StoredDataset(file: file, datasetPath: labels, strategy: strategy)
        guard !featureData.info.shape.isEmpty else {
            throw LoaderError(.unsupported, "features must have a first dimension indexing samples", path: path, location: .datasetPath(features))
        }
        guard labelData.info.shape.count == 1 || labelData.info.shape.count == 2 && labelData.info.shape[1] == 1 else {
            throw LoaderError(.mismatch, "labels must have shape [N] or [N, 1], not \(labelData.info.shape)", path: path, location: .datasetPath(labels))
        }
        guard featureData.rowCount == labelData.rowCount else {
            throw LoaderError(
                .mismatch, "\(featureData.rowCount) feature rows in \(features) but \(labelData.rowCount) labels in \(labels)",
                path: path, location: .datasetPath(labels))
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
        self.count = featureData.rowCount
        self.features = RowSource(featureData, cacheBytes: cacheBytes)
        self.labels = RowSource(labelData, cacheBytes: cacheBytes)
        self.shardCount = shards ?? max(1, min(8, featureData.blockCount))
    }

    public func sample(at index: Int) throws -> Example {
        try samples(at: [index])[0]
    }

    /// Reads the samples at `indices` in that order, a block or run of rows at a time.
    /// - Throws: `LoaderError` naming the file, dataset and place of unreadable data, or the
    ///   value, dataset and row of a label that is not an integer or does not fit in `Int`.
    /// - Complexity: O(n log n) plus one read per distinct block (or run of rows) touched.
    public func samples(at indices: [Int]) throws -> [Example] {
        for index in indices {
            require(index >= 0 && index < count, "sample index \(index) outside 0..<\(count)")
        }
        var labelValues = [Int](repeating: 0, count: indices.count)
        let labelInfo = labels.stored.info
        try labels.visit(indices) { position, raw in
            switch ElementConversion.label(raw, element: labelInfo.elementType, order: labelInfo.byteOrder) {
            case .success(let value): labelValues[position] = value
            case .failure(let unusable): throw unusable.error(labelsPath: labelInfo.path, row: indices[position], file: path)
            }
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
            Example(features: Tensor(shape: shape, scalars: featureValues[position]), label: labelValues[position])
        }
    }
}
