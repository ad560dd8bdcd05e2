/// The columns of a CSV file: their names (from the header, or generated), the kind of value the
/// first data record holds in each, and where the data records begin.
struct CSVSchema: Sendable {
    /// A column's kind, as its field in the first data record shows it.
    enum Kind: Sendable, Equatable {
        case integer, decimal, text
    }

    var format: CSVFormat
    var names: [String]
    /// The file offset where each name starts in the header (inside its quotes); empty without a
    /// header. Only an error about a name reads them.
    var nameOffsets: [Int]
    var kinds: [Kind]
    /// The file offset of the first data record (after the byte-order mark and the header).
    var dataStart: Int

    var columnCount: Int { names.count }

    /// The most columns a file may have: a bound on the first record, whose width nothing else
    /// limits, so that a long line of delimiters fails early instead of filling memory.
    static let maxColumns = 1 << 20

    /// Reads the header (when the format has one) and the first data record.
    /// - Throws: `LoaderError` `.unsupported` at line 1, column 1 for a UTF-16 or UTF-32 file
    ///   (told by its byte-order mark), and at byte 0 for a compressed or binary file (bzip2, zip,
    ///   HDF5, …, told by its signature; gzip is inflated before); `.emptyFile` when there is no header or no data record;
    ///   the parse errors of those two records with their line and column.
    static func read(_ file: CSVText, format: CSVFormat) throws -> CSVSchema {
        try refuseForeignFormats(file)
        let bomLength = try hasByteOrderMark(file) ? 3 : 0
        let reader = CSVBlockReader(file: file, from: bomLength, blockSize: min(64 * 1024, format.blockSize))
        try reader.refill(keepingFrom: reader.start)
        let splitter = CSVRecordParser(format: format, roles: [.skip], slots: [0])
        var fields: [CSVFieldSpan] = []
        var names: [String]?
        var nameOffsets: [Int] = []
        var pointer = reader.start
        while true {
            if pointer == reader.end && reader.isAtEnd {
                let what = names == nil && format.hasHeader ? "no header row" : "no data records"
                throw LoaderError(.emptyFile, "the file has \(what)", path: file.path)
            }
            let recordOffset = reader.fileOffset(of: pointer)
            switch splitter.split(pointer, end: reader.end, isLast: reader.isAtEnd, base: recordOffset,
                maxFields: names?.count ?? Self.maxColumns, into: &fields) {
            case .blank(let next):
                pointer = next
            case .needMore:
                try reader.refill(keepingFrom: pointer)
                pointer = reader.start
            case .failed(var failure):
                if names == nil && failure.kind == .tooManyFields { failure.kind = .tooManyColumns }
                throw failure.loaderError(file: file, columnNames: names ?? [], maxFieldLength: format.maxFieldLength)
            case .record(let next):
                if names == nil && format.hasHeader {
                    names = fields.map(\.text)
                    nameOffsets = fields.map { reader.fileOffset(of: $0.start) }
                    pointer = next
                    continue
                }
                let columnNames = names ?? (1...fields.count).map { "column\($0)" }
                // (Too many fields failed in `split` already.)
                if fields.count < columnNames.count {
                    throw CSVFailure(.tooFewFields, offset: reader.fileOffset(of: fields[fields.count - 1].terminator), column: fields.count)
                        .loaderError(file: file, columnNames: columnNames, maxFieldLength: format.maxFieldLength)
                }
                return CSVSchema(
                    format: format, names: columnNames, nameOffsets: nameOffsets, kinds: fields.map(kind(of:)),
                    dataStart: recordOffset)
            }
        }
    }

    /// As `read(_:format:)`, for a file read in place.
    static func read(_ file: ReadOnlyFile, format: CSVFormat) throws -> CSVSchema {
        try read(CSVText(file: file), format: format)
    }

    /// The index of `column`, by name or by index.
    /// - Throws: `LoaderError` `.noSuchColumn` for an index outside the columns, and as
    ///   `index(of:path:)` for a name.
    func index(of column: CSVColumn, path: String) throws -> Int {
        switch column {
        case .name(let name):
            return try index(of: name, path: path)
        case .index(let index):
            guard names.indices.contains(index) else {
                throw LoaderError(
                    .noSuchColumn, "no column at index \(index); the file has \(columnCount) columns, indices 0 to \(columnCount - 1)",
                    path: path)
            }
            return index
        }
    }

    /// The index of the column named `name`.
    /// - Throws: `LoaderError` `.noSuchColumn` listing the columns there are; `.ambiguousColumn`
    ///   when two columns have that name, at the second one's line and column in the header,
    ///   since picking either would silently leave the other to be read as something else.
    func index(of name: String, path: String) throws -> Int {
        guard let index = names.firstIndex(of: name) else {
            let known = names.prefix(20).map { LoaderError.quoted($0) }.joined(separator: ", ")
            throw LoaderError(
                .noSuchColumn, "no column named \(LoaderError.quoted(name)); the columns are \(known)\(names.count > 20 ? ", …" : "")",
                path: path)
        }
        if let other = names[(index + 1)...].firstIndex(of: name) {
            let place = try? CSVLocator(file: CSVText(path: path, format: format)).lineColumn(of: nameOffsets[other])
            throw LoaderError(
                .ambiguousColumn,
                "columns \(index + 1) and \(other + 1) of the header are both named \(LoaderError.quoted(name)); rename one of them",
                path: path, location: place.map { .lineColumn(line: $0.line, column: $0.column) })
        }
        return index
    }

    /// Whether the file starts with the UTF-8 byte-order mark EF BB BF.
    static func hasByteOrderMark(_ file: CSVText) throws -> Bool {
        try leadingBytes(of: file, count: 3) == [0xEF, 0xBB, 0xBF]
    }

    static func leadingBytes(of file: CSVText, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let read = try bytes.withUnsafeMutableBytes { try file.read(into: $0, at: 0) }
        return Array(bytes.prefix(read))
    }

    private static func kind(of field: CSVFieldSpan) -> Kind {
        guard !field.hasEscapes, let number = DecimalText.scan(field.bytes) else { return .text }
        return number.isInteger && number.kind == .finite ? .integer : .decimal
    }
}
