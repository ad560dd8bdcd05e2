/// A whole CSV file summarised: its columns' names, kinds and statistics, and its record count,
/// as `loaders inspect` shows them.
///
/// ```swift
/// let summary = try CSVSummary(path: "Fixtures/wine.csv")
/// summary.rowCount                 // 178
/// summary.columns[0].kind          // .decimal  ("alcohol")
/// ```
public struct CSVSummary: Sendable {
    public let path: String
    /// The number of data records (the header not counted).
    public let rowCount: Int
    public let columns: [CSVColumnSummary]

    /// Reads every record of `path`, in parallel byte ranges.
    /// - Throws: `LoaderError` as `CSVDataset` does for malformed input, with line and column.
    /// - Complexity: O(file size); memory O(columns) per thread.
    public init(path: String, format: CSVFormat = .standard, threads: Int? = nil) throws {
        try self.init(path: path, format: format, threads: threads, minimumPieceBytes: 1 << 20)
    }

    /// As the public initializer; `minimumPieceBytes` lets tests cut small files into many pieces.
    init(path: String, format: CSVFormat, threads: Int?, minimumPieceBytes: Int) throws {
        let file = try CSVText(path: path, format: format)
        let schema = try CSVSchema.read(file, format: format)
        let dataBytes = file.size - schema.dataStart
        // The cuts depend on the size alone, so the Double sums do not depend on the thread count.
        let pieceCount = max(1, min(dataBytes / minimumPieceBytes, 64))
        let threads = max(1, threads ?? ReadOnlyFile.processorCount)
        let bounds = try CSVSplitter.bounds(of: file, from: schema.dataStart, to: file.size, pieces: pieceCount, threads: threads)
        let pieces = try CSVParallel.map(count: bounds.count - 1, threads: threads) { piece in
            try Self.summarize(file: file.reopened(), schema: schema, from: bounds[piece], to: bounds[piece + 1])
        }
        var total = [CSVColumnAccumulator](repeating: CSVColumnAccumulator(), count: schema.columnCount)
        var rows = 0
        for (count, columns) in pieces {
            rows += count
            for index in total.indices { total[index].append(columns[index]) }
        }
        self.path = path
        self.rowCount = rows
        self.columns = zip(schema.names, total).map { $1.summary(name: $0) }
    }

    private static func summarize(file: CSVText, schema: CSVSchema, from start: Int, to stop: Int) throws -> (Int, [CSVColumnAccumulator]) {
        var columns = [CSVColumnAccumulator](repeating: CSVColumnAccumulator(), count: schema.columnCount)
        let reader = CSVBlockReader(file: file, from: start, blockSize: schema.format.blockSize)
        try reader.refill(keepingFrom: reader.start)
        let parser = CSVRecordParser(format: schema.format, roles: [.skip], slots: [0])
        var fields: [CSVFieldSpan] = []
        var pointer = reader.start
        var rows = 0
        while true {
            let recordOffset = reader.fileOffset(of: pointer)
            if recordOffset >= stop || (pointer == reader.end && reader.isAtEnd) { return (rows, columns) }
            if pointer == reader.end {
                try reader.refill(keepingFrom: pointer)
                pointer = reader.start
                continue
            }
            switch parser.split(pointer, end: reader.end, isLast: reader.isAtEnd, base: recordOffset, maxFields: schema.columnCount, into: &fields) {
            case .record(let next):
                // (Too many fields failed in `split` already.)
                guard fields.count == schema.columnCount else {
                    throw CSVFailure(.tooFewFields, offset: reader.fileOffset(of: fields[fields.count - 1].terminator), column: fields.count)
                        .loaderError(file: file, columnNames: schema.names, maxFieldLength: schema.format.maxFieldLength)
                }
                for index in fields.indices { columns[index].add(fields[index]) }
                rows += 1
                pointer = next
            case .blank(let next):
                pointer = next
            case .needMore:
                try reader.refill(keepingFrom: pointer)
                pointer = reader.start
            case .failed(let failure):
                throw failure.loaderError(file: file, columnNames: schema.names, maxFieldLength: schema.format.maxFieldLength)
            }
        }
    }
}
