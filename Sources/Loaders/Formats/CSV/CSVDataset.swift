/// A CSV file of numeric features and a target, read once into memory for random access.
///
/// Opening parses the whole file, in parallel byte ranges cut at record boundaries, into `Float`
/// features and the targets; nothing else of the file is kept. Features are the numeric columns
/// other than the targets (a column is numeric when its first value is a number), or the columns
/// chosen. The target is, as the user says:
/// - `.labels`: a class label from one column: an integer column, or a text column whose values
///   are numbered 0..<k in order of first appearance (`labelCategories`);
/// - `.values`: real values from one or more columns, `Example.Target.values` of shape `[k]` for
///   k target columns, converted to `Float` exactly as the features are.
///
/// ```swift
/// let wine = try CSVDataset("Fixtures/wine.csv", labelColumn: "target")
/// wine.count                        // 178
/// try wine.sample(at: 0).features   // Tensor [13]: 14.23, 1.71, …
///
/// let mnist = try CSVDataset("mnist_train.csv", labelColumn: "label", shape: [1, 28, 28])
///
/// let points = try CSVDataset("points.csv", targetColumns: ["y"], targets: .values)
/// try points.sample(at: 0).values   // Tensor [1]: y of the first row
/// ```
///
/// A gzip-compressed file (`.csv.gz`, told by its first bytes) is inflated into memory first and
/// then read as a plain one; lines and columns in errors count its text.
///
/// Memory: the features as `Float` (count × features × 4 bytes), or as bytes when every value is
/// an integer in 0...255 (count × features, as for MNIST pixels; samples still arrive as `Float`),
/// the labels (count × 4 bytes) or target values (count × k × 4 bytes, held to `MemoryLimit`), and
/// one block buffer per parsing thread.
public struct CSVDataset: Dataset, Sendable {
    /// The file read.
    public let path: String
    /// Every column's name, in file order (generated as `column1`, … without a header).
    public let columnNames: [String]
    /// The target columns' names, in the order their values appear in a sample's target.
    public let targetColumns: [String]
    /// Whether the targets are class labels or real values.
    public let targetKind: TargetKind
    /// The label column's name; nil when the targets are real values.
    public var labelColumn: String? { targetKind == .labels ? targetColumns[0] : nil }
    /// The feature columns' names, in the order their values appear in a sample.
    public let featureColumns: [String]
    /// The shape of each sample's features: `[featureColumns.count]`, or the shape asked for.
    public let featureShape: [Int]
    /// For a text label column, its values by label number; nil for an integer label column.
    public let labelCategories: [String]?
    public let count: Int
    public var origin: String? { path }

    /// Rows in file order, in pieces as the parallel parse produced them.
    let pieces: [Piece]
    /// The first row of each piece, and `count` at the end: `pieceStarts[i]..<pieceStarts[i+1]`.
    let pieceStarts: [Int]

    struct Piece: Sendable {
        var rowCount: Int
        /// Row-major: row `r`'s features are elements `r * featureCount ..< (r + 1) * featureCount`.
        var features: Features
        /// One per row for class labels; empty for real-valued targets.
        var labels: [Int32]
        /// Row-major, `valueCount` per row, for real-valued targets; empty for class labels.
        var values: [Float]
    }

    /// A piece's features: bytes when every value in the piece is a plain integer in 0...255 (as
    /// pixels are: a quarter of the memory, widened exactly as samples are read), else `Float`.
    enum Features: Sendable {
        case bytes([UInt8])
        case floats([Float])
    }

    /// Opens and parses a CSV file of class labels.
    ///
    /// - Parameters:
    ///   - path: the file.
    ///   - labelColumn: the label column's name.
    ///   - featureColumns: the feature columns by name, in the order wanted; nil for every numeric
    ///     column but the label.
    ///   - shape: the shape of one sample's features (e.g. `[1, 28, 28]`); nil for a flat vector.
    ///   - format: delimiter, header row, field length limit.
    ///   - threads: how many threads parse; nil for one per active processor.
    /// - Throws: `LoaderError`: `.io` when the file cannot be read; `.emptyFile`; `.noSuchColumn`;
    ///   `.mismatch` when `shape` does not hold the features; and for malformed input
    ///   (`.unterminatedQuote`, `.unexpectedQuote`, `.fieldCount`, `.notANumber`,
    ///   `.fieldTooLong`) the first defect in the file, with its line and column.
    /// - Complexity: O(file size), spread over `threads`.
    public init(
        _ path: String, labelColumn: String = "label", featureColumns: [String]? = nil, shape: [Int]? = nil,
        format: CSVFormat = .standard, threads: Int? = nil
    ) throws {
        try self.init(
            path, targetColumns: [.name(labelColumn)], targets: .labels, featureColumns: featureColumns?.map(CSVColumn.name),
            shape: shape, format: format, threads: threads)
    }

    /// As the public initializer; `minimumPieceBytes` lets tests cut small files into many pieces.
    init(
        _ path: String, labelColumn: String, featureColumns: [String]?, shape: [Int]?, format: CSVFormat,
        threads: Int?, minimumPieceBytes: Int
    ) throws {
        try self.init(
            path, targetColumns: [.name(labelColumn)], targets: .labels, featureColumns: featureColumns?.map(CSVColumn.name),
            shape: shape, format: format, threads: threads, minimumPieceBytes: minimumPieceBytes)
    }

    /// Opens and parses a CSV file whose targets are class labels or real values.
    ///
    /// ```swift
    /// let line = try CSVDataset("line.csv", targetColumns: ["y"], targets: .values)          // [1] per sample
    /// let two = try CSVDataset("wind.csv", targetColumns: ["u", "v"], targets: .values)      // [2]
    /// let bare = try CSVDataset("bare.csv", targetColumns: [0], targets: .values, format: CSVFormat(hasHeader: false))
    /// ```
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
    ///   - threads: how many threads parse; nil for one per active processor.
    /// - Throws: `LoaderError` as that initializer does, and: `.unsupported` for several target
    ///   columns as `.labels`; `.notANumber` at its line and column for a label that is a
    ///   fraction or outside `Int32` (saying that `.values` reads real targets), or a target
    ///   value that is no number; `.resourceExhausted` when the target values would pass
    ///   `MemoryLimit`.
    /// - Precondition: `targetColumns` is not empty.
    /// - Complexity: O(file size), spread over `threads`.
    public init(
        _ path: String, targetColumns: [CSVColumn], targets: TargetKind, featureColumns: [CSVColumn]? = nil,
        shape: [Int]? = nil, format: CSVFormat = .standard, threads: Int? = nil
    ) throws {
        try self.init(
            path, targetColumns: targetColumns, targets: targets, featureColumns: featureColumns, shape: shape,
            format: format, threads: threads, minimumPieceBytes: 1 << 20, memoryLimit: MemoryLimit.bytes)
    }

    /// As the public initializer; `memoryLimit` lets tests refuse target values without lowering
    /// the process's limit.
    init(
        _ path: String, targetColumns: [CSVColumn], targets: TargetKind, featureColumns: [CSVColumn]?, shape: [Int]?,
        format: CSVFormat, threads: Int?, minimumPieceBytes: Int, memoryLimit: Int = MemoryLimit.bytes
    ) throws {
        let file = try CSVText(path: path, format: format)
        let schema = try CSVSchema.read(file, format: format)
        let plan = try CSVColumnPlan(
            schema: schema, path: path, targetColumns: targetColumns, targets: targets, featureColumns: featureColumns)
        let featureShape = try plan.featureShape(shape, path: path)
        let threads = max(1, threads ?? ReadOnlyFile.processorCount)
        let dataBytes = file.size - schema.dataStart
        if plan.valueCount > 0 {
            // Each piece reserves room for as many records as its bytes can hold, a record being no
            // shorter than its delimiters: that address space, checked before any is asked for.
            let records = dataBytes / max(schema.columnCount - 1, 1) + 1
            try MemoryLimit.check(
                MemoryLimit.product([records, plan.valueCount, MemoryLayout<Float>.size]),
                for: "the target values of up to \(records) records, \(plan.valueCount) each,", path: path, limit: memoryLimit)
        }
        // Several pieces per thread, so a thread slowed by a busy core does not hold the rest back;
        // none under a megabyte, where cutting costs more than it saves.
        let pieceCount = max(1, min(dataBytes / minimumPieceBytes, max(threads * 4, dataBytes >> 24)))
        // Each piece guesses its start: the first line start after its nominal offset, which is
        // right unless a quoted field spans the offset. The guesses are checked in file order
        // against where the previous piece really ended, and a wrong one is parsed again from
        // there; so no pass over the file is needed before parsing, and a quoted line break still
        // never splits a record. An error counts only from a piece that started right. A piece
        // with no line start (inside one long line) searches no further than its end, and holds
        // no records.
        let nominal = (0...pieceCount).map { schema.dataStart + dataBytes * $0 / pieceCount }
        let guesses = try CSVParallel.map(count: pieceCount, threads: threads) { piece in
            let file = try file.reopened()
            let end = nominal[piece + 1]
            let start = piece == 0 ? nominal[0] : try CSVSplitter.lineStart(in: file, atOrAfter: nominal[piece], before: end) ?? end
            return (start, Result { try Self.parse(file: file, plan: plan, from: start, to: end) })
        }
        var pieces: [Piece] = []
        var pieceStarts = [0]
        var categories = CategoryTable()
        var expectedStart = schema.dataStart
        for (index, (start, guess)) in guesses.enumerated() {
            let parsed = try (start == expectedStart ? guess : Result {
                try Self.parse(file: file.reopened(), plan: plan, from: expectedStart, to: nominal[index + 1])
            }).get()
            expectedStart = parsed.end
            var piece = parsed.piece
            if plan.hasCategories {
                let numbers = parsed.categories.map { bytes in bytes.withUnsafeBytes { categories.number(of: $0) } }
                for row in piece.labels.indices { piece.labels[row] = numbers[Int(piece.labels[row])] }
            }
            guard piece.rowCount > 0 else { continue }
            pieceStarts.append(pieceStarts.last! + piece.rowCount)
            pieces.append(piece)
        }
        guard let count = pieceStarts.last, count > 0 else {
            throw LoaderError(.emptyFile, "the file has no data records", path: path)
        }
        self.path = path
        self.columnNames = schema.names
        self.targetColumns = plan.targetIndices.map { schema.names[$0] }
        self.targetKind = targets
        self.featureColumns = plan.featureNames
        self.featureShape = featureShape
        self.labelCategories = plan.hasCategories ? categories.names : nil
        self.count = count
        self.pieces = pieces
        self.pieceStarts = pieceStarts
    }

    /// The number of features in one sample.
    public var featureCount: Int { featureColumns.count }

    /// - Complexity: O(features) plus O(log pieces) to find the row.
    public func sample(at index: Int) throws -> Example {
        require(index >= 0 && index < count, "sample index \(index) out of range 0..<\(count)")
        let (piece, row) = location(of: index)
        let width = featureCount
        let features: [Float]
        switch pieces[piece].features {
        case .floats(let floats):
            features = Array(floats[row * width ..< (row + 1) * width])
        case .bytes(let bytes):
            features = bytes.withUnsafeBufferPointer { bytes in
                [Float](uninitializedCapacity: width) { buffer, initialized in
                    let source = bytes.baseAddress! + row * width
                    for column in 0..<width { buffer[column] = Float(source[column]) }
                    initialized = width
                }
            }
        }
        return Example(features: Tensor(shape: featureShape, scalars: features), target: target(piece: piece, row: row))
    }

    /// The number of real values in a sample's target: 0 for a class label.
    var valueCount: Int { targetKind == .values ? targetColumns.count : 0 }

    private func target(piece: Int, row: Int) -> Example.Target {
        let count = valueCount
        guard count > 0 else { return .label(Int(pieces[piece].labels[row])) }
        return .values(Tensor(shape: [count], scalars: Array(pieces[piece].values[row * count ..< (row + 1) * count])))
    }

    /// The piece holding row `index`, and the row's position in it.
    func location(of index: Int) -> (piece: Int, row: Int) {
        var low = 0
        var high = pieces.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if pieceStarts[middle] <= index { low = middle } else { high = middle - 1 }
        }
        return (low, index - pieceStarts[low])
    }

    /// A piece as parsed, with the text labels it met (numbered within it) and the offset where
    /// its last record ended, which is where the next piece must start.
    struct ParsedPiece: Sendable {
        var piece: Piece
        var categories: [[UInt8]]
        var end: Int
    }

    /// Parses the records starting in `start..<stop` into one piece: as bytes while every row
    /// fits, again as `Float` from the start of the piece once one does not.
    private static func parse(file: CSVText, plan: CSVColumnPlan, from start: Int, to stop: Int) throws -> ParsedPiece {
        // No record is shorter than its delimiters, so this bounds the rows; the capacity past the
        // rows actually parsed is address space the system never backs with memory.
        let rowBound = max(stop - start, 0) / max(plan.schema.columnCount - 1, 1) + 2
        if let piece = try parseBytes(file: file, plan: plan, from: start, to: stop, rowBound: rowBound) {
            return piece
        }
        var cursor = try CSVRowCursor(file: file, plan: plan, from: start, to: stop)
        let width = plan.featureCount
        var labels: [Int32] = []
        var floats: [Float] = []
        let valueCount = plan.valueCount
        let (rows, values) = try withTargetValues(plan: plan, rowBound: rowBound) { values in
            var rows = 0
            floats = try [Float](unsafeUninitializedCapacity: rowBound * width) { buffer, initialized in
                while true {
                    precondition(rows < rowBound, "CSV row bound \(rowBound) too small")
                    guard let label = try cursor.next(into: buffer.baseAddress! + rows * width, values: values.map { $0 + rows * valueCount }) else { break }
                    if values == nil { labels.append(label) }
                    rows += 1
                }
                initialized = rows * width
            }
            return rows
        }
        return ParsedPiece(
            piece: Piece(rowCount: rows, features: .floats(floats), labels: labels, values: values),
            categories: cursor.categories.categories, end: cursor.offset)
    }

    /// The piece with byte features, or nil (its memory already freed) at the first row that
    /// does not fit.
    private static func parseBytes(
        file: CSVText, plan: CSVColumnPlan, from start: Int, to stop: Int, rowBound: Int
    ) throws -> ParsedPiece? {
        var cursor = try CSVRowCursor(file: file, plan: plan, from: start, to: stop)
        let width = plan.featureCount
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: width)
        defer { scratch.deallocate() }
        var labels: [Int32] = []
        var fitsInBytes = true
        var bytes: [UInt8] = []
        let valueCount = plan.valueCount
        let (rows, values) = try withTargetValues(plan: plan, rowBound: rowBound) { values in
            var rows = 0
            bytes = try [UInt8](unsafeUninitializedCapacity: rowBound * width) { buffer, initialized in
                while true {
                    precondition(rows < rowBound, "CSV row bound \(rowBound) too small")
                    guard let label = try cursor.next(into: scratch, values: values.map { $0 + rows * valueCount }) else { break }
                    guard cursor.recordFitsInBytes else {
                        fitsInBytes = false
                        break
                    }
                    // Adding 2^23 to an integer in 0...255 leaves it in the low mantissa bits: a
                    // conversion without range checks, which the compiler vectorizes.
                    let target = buffer.baseAddress! + rows * width
                    for column in 0..<width {
                        target[column] = UInt8(truncatingIfNeeded: (scratch[column] + 0x1p23).bitPattern)
                    }
                    if values == nil { labels.append(label) }
                    rows += 1
                }
                initialized = fitsInBytes ? rows * width : 0
            }
            return fitsInBytes ? rows : 0
        }
        guard fitsInBytes else { return nil }
        return ParsedPiece(
            piece: Piece(rowCount: rows, features: .bytes(bytes), labels: labels, values: values),
            categories: cursor.categories.categories, end: cursor.offset)
    }

    /// Runs `body` with room for `rowBound` rows of target values (of which the system backs only
    /// what is written, as for the features), and returns the number of rows it parsed and their
    /// values; for class labels, `body` gets nil and the values are empty.
    private static func withTargetValues(
        plan: CSVColumnPlan, rowBound: Int, _ body: (_ values: UnsafeMutablePointer<Float>?) throws -> Int
    ) throws -> (rows: Int, values: [Float]) {
        let count = plan.valueCount
        guard count > 0 else { return (try body(nil), []) }
        var rows = 0
        let values = try [Float](unsafeUninitializedCapacity: rowBound * count) { buffer, initialized in
            rows = try body(buffer.baseAddress!)
            initialized = rows * count
        }
        return (rows, values)
    }
}
