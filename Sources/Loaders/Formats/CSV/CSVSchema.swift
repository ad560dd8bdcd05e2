/// The columns of a CSV file: their names (from the header, or generated), the kind of value the
/// first data record holds in each, and where the data records begin.
struct CSVSchema: Sendable {
    /// A column's kind, as its field in the first data record shows it.
    enum Kind: Sendable, Equatable {
        case integer, decimal, text
    }

    var format: CSVFormat
    var names: [String]
    var kinds: [Kind]
    /// The file offset of the first data record (after the byte-order mark and the header).
    var dataStart: Int

    var columnCount: Int { names.count }

    /// The most columns a file may have: a bound on the first record, whose width nothing else
    /// limits, so that a long line of delimiters fails early instead of filling memory.
    static let maxColumns = 1 << 20

    /// Reads the header (when the format has one) and the first data record.
    /// - Throws: `LoaderError` `.unsupported` at line 1, column 1 for a UTF-16 or UTF-32 file
    ///   (told by its byte-order mark); `.emptyFile` when there is no header or no data record;
    ///   the parse errors of those two records with their line and column.
    static func read(_ file: ReadOnlyFile, format: CSVFormat) throws -> CSVSchema {
        try refuseWideEncodings(file)
        let bomLength = try hasByteOrderMark(file) ? 3 : 0
        let reader = CSVBlockReader(file: file, from: bomLength, blockSize: min(64 * 1024, format.blockSize))
        try reader.refill(keepingFrom: reader.start)
        let splitter = CSVRecordParser(format: format, roles: [.skip], slots: [0])
        var fields: [CSVFieldSpan] = []
        var names: [String]?
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
                    format: format, names: columnNames, kinds: fields.map(kind(of:)), dataStart: recordOffset)
            }
        }
    }

    /// The index of the column named `name`.
    /// - Throws: `LoaderError` `.noSuchColumn` listing the columns there are.
    func index(of name: String, path: String) throws -> Int {
        guard let index = names.firstIndex(of: name) else {
            let known = names.prefix(20).map { LoaderError.quoted($0) }.joined(separator: ", ")
            throw LoaderError(
                .noSuchColumn, "no column named \(LoaderError.quoted(name)); the columns are \(known)\(names.count > 20 ? ", …" : "")",
                path: path)
        }
        return index
    }

    /// Whether the file starts with the UTF-8 byte-order mark EF BB BF.
    static func hasByteOrderMark(_ file: ReadOnlyFile) throws -> Bool {
        try leadingBytes(of: file, count: 3) == [0xEF, 0xBB, 0xBF]
    }

    /// The byte-order marks of the encodings the reader refuses, longest first. Their text has a
    /// zero byte beside every ASCII one, which would otherwise read as names full of NULs.
    private static let wideEncodings: [([UInt8], String)] = [
        ([0xFF, 0xFE, 0x00, 0x00], "UTF-32 little-endian"), ([0x00, 0x00, 0xFE, 0xFF], "UTF-32 big-endian"),
        ([0xFF, 0xFE], "UTF-16 little-endian"), ([0xFE, 0xFF], "UTF-16 big-endian"),
    ]

    /// - Throws: `LoaderError` `.unsupported` at line 1, column 1 when the file starts with a
    ///   UTF-16 or UTF-32 byte-order mark.
    private static func refuseWideEncodings(_ file: ReadOnlyFile) throws {
        let head = try leadingBytes(of: file, count: 4)
        guard let (mark, encoding) = wideEncodings.first(where: { head.starts(with: $0.0) }) else { return }
        let hex = mark.map { ($0 < 0x10 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
        throw LoaderError(
            .unsupported, "the file is \(encoding) (it starts with the byte-order mark \(hex)); save it as UTF-8",
            path: file.path, location: .lineColumn(line: 1, column: 1))
    }

    private static func leadingBytes(of file: ReadOnlyFile, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let read = try bytes.withUnsafeMutableBytes { try file.read(into: $0, at: 0) }
        return Array(bytes.prefix(read))
    }

    private static func kind(of field: CSVFieldSpan) -> Kind {
        guard !field.hasEscapes, let number = DecimalText.scan(field.bytes) else { return .text }
        return number.isInteger && number.kind == .finite ? .integer : .decimal
    }
}
