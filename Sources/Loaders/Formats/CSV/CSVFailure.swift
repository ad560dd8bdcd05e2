/// A parse failure at a byte offset, before it is turned into a `LoaderError` with a line and
/// column (which needs a pass over the file up to the offset, so it is done only on failure).
struct CSVFailure: Error, Sendable {
    enum Kind: Sendable {
        case unterminatedQuote, quoteInUnquotedField, characterAfterQuote
        case tooFewFields, tooManyFields, tooManyColumns, notANumber, notAnIntegerLabel, fractionalLabel, labelOutOfRange, fieldTooLong
    }

    var kind: Kind
    /// The file offset where the failure was found.
    var offset: Int
    /// The 0-based column the failure is in (for field counts: the number of fields found).
    var column: Int
    /// For an unterminated quote: the file offset of the opening quote.
    var quoteOffset: Int?
    /// The offending field's text, for `.notANumber`, and the label kinds.
    var text: String?

    init(_ kind: Kind, offset: Int, column: Int, quoteOffset: Int? = nil, text: String? = nil) {
        self.kind = kind
        self.offset = offset
        self.column = column
        self.quoteOffset = quoteOffset
        self.text = text
    }

    /// The `LoaderError` a user sees: the file, the line and column, what is wrong and where.
    func loaderError(file: CSVText, columnNames: [String], maxFieldLength: Int) -> LoaderError {
        let locator = CSVLocator(file: file)
        let place = (try? locator.lineColumn(of: offset)).map { LoaderError.Location.lineColumn(line: $0.line, column: $0.column) }
            ?? .byteOffset(offset)
        let name = column < columnNames.count ? "column \(LoaderError.quoted(columnNames[column]))" : "column \(column + 1)"
        let quoted = text.map { LoaderError.quoted($0, limit: 60) } ?? ""
        let (code, message): (LoaderError.Code, String)
        switch kind {
        case .unterminatedQuote:
            let opening = quoteOffset.flatMap { try? locator.lineColumn(of: $0) }
            let origin = opening.map { "line \($0.line), column \($0.column)" } ?? "byte \(quoteOffset ?? 0)"
            (code, message) = (.unterminatedQuote, "the quoted field opened at \(origin) in \(name) is never closed")
        case .quoteInUnquotedField:
            (code, message) = (.unexpectedQuote, "a quote inside the unquoted field in \(name); quote the whole field and double inner quotes")
        case .characterAfterQuote:
            (code, message) = (.unexpectedQuote, "a character follows the closing quote of the field in \(name)")
        case .tooFewFields:
            (code, message) = (.fieldCount, "the record has \(column) fields, the header has \(columnNames.count)")
        case .tooManyFields:
            (code, message) = (.fieldCount, "the record has more than the header's \(columnNames.count) fields")
        case .tooManyColumns:
            (code, message) = (.fieldCount, "the first record has more than \(column) fields, the most a file may have")
        case .notANumber:
            (code, message) = (.notANumber, "not a number in \(name): \(quoted)")
        case .notAnIntegerLabel:
            (code, message) = (.notANumber, "not an integer label in \(name): \(quoted)")
        case .fractionalLabel:
            (code, message) = (.notANumber, "not an integer label in \(name): \(quoted); \(Self.valuesHint)")
        case .labelOutOfRange:
            (code, message) = (.notANumber, "a label beyond Int32's range in \(name): \(quoted); \(Self.valuesHint)")
        case .fieldTooLong:
            (code, message) = (.fieldTooLong, "the field in \(name) is longer than the limit of \(maxFieldLength) bytes")
        }
        return LoaderError(code, message, path: file.path, location: place)
    }

    /// Where a number that is no class label can be read: the user may have meant a regression.
    static let valuesHint = "real-valued targets are read with TargetKind.values (--task regression)"
}
