/// A CSV file read front to back in shards and never held whole in memory (unless gzipped): for files larger
/// than memory, or read once.
///
/// Opening reads the header and first record, then cuts the data into `shards` byte ranges at
/// record boundaries (a pass that counts quotes, so a quoted line break never splits a record);
/// with a text label column it also reads the labels once to number them in order of first
/// appearance. Each stream then parses its range in 256 KiB blocks. Columns, targets and errors
/// are as for `CSVDataset`.
///
/// ```swift
/// let train = try CSVStreamingDataset("big.csv", labelColumn: "label", shards: 8)
/// var stream = try train.stream(shard: 0)
/// while let example = try stream.next() { … }
///
/// let points = try CSVStreamingDataset("points.csv", targetColumns: ["y"], targets: .values)
/// ```
///
/// Memory: one block buffer and one row per open stream, whatever the file's size; a
/// gzip-compressed file (`.csv.gz`) is the exception: its text is inflated once, on opening, and
/// held for the streams to share.
public struct CSVStreamingDataset: StreamingDataset, Sendable {
    public let path: String
    /// Every column's name, in file order.
    public let columnNames: [String]
    /// The target columns' names, in the order their values appear in a sample's target.
    public let targetColumns: [String]
    /// Whether the targets are class labels or real values.
    public let targetKind: TargetKind
    /// The label column's name; nil when the targets are real values.
    public var labelColumn: String? { targetKind == .labels ? targetColumns[0] : nil }
    /// The feature columns' names, in the order their values appear in a sample.
    public let featureColumns: [String]
    /// The shape of each sample's features.
    public let featureShape: [Int]
    /// For a text label column, its values by label number; nil for an integer label column.
    public let labelCategories: [String]?

    let plan: CSVColumnPlan
    /// Shard `i` holds the records starting in `bounds[i]..<bounds[i+1]`.
    let bounds: [Int]
    let categories: CategoryTable
    /// A gzip-compressed file's text, inflated once when opened; nil for a plain file, which each
    /// stream opens for itself.
    let inflatedText: CSVText?

    /// Opens a CSV file of class labels for streaming.
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - labelColumn: the label column's name.
    ///   - featureColumns: the feature columns by name, in the order wanted; nil for every numeric
    ///     column but the label.
    ///   - shape: the shape of one sample's features (e.g. `[1, 28, 28]`); nil for a flat vector.
    ///   - format: delimiter, header row, field length limit.
    ///   - shards: how many byte ranges to cut the data into (fewer for files under 64 KiB per shard).
    /// - Throws: `LoaderError` as `CSVDataset` does; malformed records after the first are
    ///   reported by the stream that reads them (and, with a text label, already here).
    public init(
        _ path: String, labelColumn: String = "label", featureColumns: [String]? = nil, shape: [Int]? = nil,
        format: CSVFormat = .standard, shards: Int = 8
    ) throws {
        try self.init(
            path, labelColumn: labelColumn, featureColumns: featureColumns, shape: shape, format: format,
            shards: shards, minimumShardBytes: 1 << 16)
    }

    /// As the public initializer; `minimumShardBytes` lets tests cut small files into many shards.
    init(
        _ path: String, labelColumn: String, featureColumns: [String]?, shape: [Int]?, format: CSVFormat,
        shards: Int, minimumShardBytes: Int
    ) throws {
        try self.init(
            path, targetColumns: [.name(labelColumn)], targets: .labels, featureColumns: featureColumns?.map(CSVColumn.name),
            shape: shape, format: format, shards: shards, minimumShardBytes: minimumShardBytes)
    }

    /// Opens a CSV file whose targets are class labels or real values for streaming.
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - targetColumns: the target columns by name or index, in the order wanted; exactly one
    ///     for `.labels`.
    ///   - targets: `.labels` for a class label (an integer or text column), `.values` for real
    ///     values (`Example.Target.values` of shape `[targetColumns.count]`).
    ///   - featureColumns: the feature columns by name or index, in the order wanted; nil for
    ///     every numeric column but the targets.
    ///   - shape: the shape of one sample's features (e.g. `[1, 28, 28]`); nil for a flat vector.
    ///   - format: delimiter, header row, field length limit.
    ///   - shards: how many byte ranges to cut the data into (fewer for files under 64 KiB per shard).
    /// - Throws: `LoaderError` as `CSVDataset` does; malformed records after the first are
    ///   reported by the stream that reads them (and, with a text label, already here).
    /// - Precondition: `targetColumns` is not empty.
    public init(
        _ path: String, targetColumns: [CSVColumn], targets: TargetKind, featureColumns: [CSVColumn]? = nil,
        shape: [Int]? = nil, format: CSVFormat = .standard, shards: Int = 8
    ) throws {
        try self.init(
            path, targetColumns: targetColumns, targets: targets, featureColumns: featureColumns, shape: shape,
            format: format, shards: shards, minimumShardBytes: 1 << 16)
    }

    /// As the public initializer; `minimumShardBytes` lets tests cut small files into many shards.
    init(
        _ path: String, targetColumns: [CSVColumn], targets: TargetKind, featureColumns: [CSVColumn]?, shape: [Int]?,
        format: CSVFormat, shards: Int, minimumShardBytes: Int
    ) throws {
        require(shards > 0, "shards must be positive, got \(shards)")
        let file = try CSVText(path: path, format: format)
        let schema = try CSVSchema.read(file, format: format)
        let plan = try CSVColumnPlan(
            schema: schema, path: path, targetColumns: targetColumns, targets: targets, featureColumns: featureColumns)
        let featureShape = try plan.featureShape(shape, path: path)
        let threads = ReadOnlyFile.processorCount
        let pieces = max(1, min(shards, (file.size - schema.dataStart) / minimumShardBytes))
        let bounds = try CSVSplitter.bounds(of: file, from: schema.dataStart, to: file.size, pieces: pieces, threads: threads)
        var categories = CategoryTable()
        if plan.hasCategories {
            let local = try CSVParallel.map(count: bounds.count - 1, threads: threads) { shard in
                var cursor = try CSVRowCursor(file: file.reopened(), plan: plan, from: bounds[shard], to: bounds[shard + 1])
                var row = [Float](repeating: 0, count: plan.featureCount)
                while try row.withUnsafeMutableBufferPointer({ try cursor.next(into: $0.baseAddress!) }) != nil {}
                return cursor.categories.categories
            }
            for names in local {
                for name in names { _ = name.withUnsafeBytes { categories.number(of: $0) } }
            }
        }
        self.path = path
        self.columnNames = schema.names
        self.targetColumns = plan.targetIndices.map { schema.names[$0] }
        self.targetKind = targets
        self.featureColumns = plan.featureNames
        self.featureShape = featureShape
        self.labelCategories = plan.hasCategories ? categories.names : nil
        self.plan = plan
        self.bounds = bounds
        self.categories = categories
        self.inflatedText = file.isInflated ? file : nil
    }

    public var shardCount: Int { bounds.count - 1 }

    /// Opens shard `shard` at its first record.
    /// - Throws: `LoaderError` `.io` when the file cannot be opened.
    public func stream(shard: Int) throws -> Stream {
        require(shard >= 0 && shard < shardCount, "shard \(shard) out of range 0..<\(shardCount)")
        let cursor = try CSVRowCursor(file: inflatedText ?? CSVText(file: ReadOnlyFile(path: path)), plan: plan, from: bounds[shard], to: bounds[shard + 1])
        return Stream(cursor: cursor, shape: featureShape, categories: categories)
    }

    /// The records of one shard, in file order.
    public struct Stream: SampleStream {
        var cursor: CSVRowCursor
        let shape: [Int]
        var categories: CategoryTable
        /// This shard's category numbers mapped to the dataset's.
        var numbers: [Int32] = []

        /// The next record as an example, or nil after the shard's last record.
        /// - Throws: `LoaderError` naming the file, line and column of malformed input.
        public mutating func next() throws -> Example? {
            var found: Int32?
            var values = [Float](repeating: 0, count: cursor.plan.valueCount)
            let scalars = try [Float](uninitializedCapacity: cursor.plan.featureCount) { buffer, initialized in
                found = try values.withUnsafeMutableBufferPointer { values in
                    try cursor.next(into: buffer.baseAddress!, values: values.baseAddress)
                }
                initialized = found == nil ? 0 : buffer.count
            }
            guard var label = found else { return nil }
            let features = Tensor(shape: shape, scalars: scalars)
            if !values.isEmpty {
                return Example(features: features, target: .values(Tensor(shape: [values.count], scalars: values)))
            }
            if cursor.plan.hasCategories {
                while numbers.count < cursor.categories.categories.count {
                    numbers.append(cursor.categories.categories[numbers.count].withUnsafeBytes { categories.number(of: $0) })
                }
                label = numbers[Int(label)]
            }
            return Example(features: features, label: Int(label))
        }
    }
}
