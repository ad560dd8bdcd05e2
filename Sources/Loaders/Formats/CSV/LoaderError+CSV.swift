extension LoaderError.Code {
    /// A quoted CSV field is still open at the end of the file.
    public static let unterminatedQuote = Self("unterminated-quote")
    /// A quote inside an unquoted CSV field, or a character right after a closing quote.
    public static let unexpectedQuote = Self("unexpected-quote")
    /// A CSV record has more or fewer fields than the header.
    public static let fieldCount = Self("field-count")
    /// A value in a numeric CSV column is not a number.
    public static let notANumber = Self("not-a-number")
    /// A CSV field is longer than `CSVFormat.maxFieldLength`.
    public static let fieldTooLong = Self("field-too-long")
    /// The file holds no bytes, or no header, or no data records.
    public static let emptyFile = Self("empty-file")
    /// A named column does not exist, or cannot serve as asked (a label of fractions).
    public static let noSuchColumn = Self("no-such-column")
    /// A column is chosen by a name that two columns of the header share.
    public static let ambiguousColumn = Self("ambiguous-column")
}
