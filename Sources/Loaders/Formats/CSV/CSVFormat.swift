/// How a CSV file is written: its delimiter, whether it starts with a header row, and the longest
/// field the reader accepts.
///
/// ```swift
/// let semicolons = CSVFormat(delimiter: ";")
/// let bare = CSVFormat(hasHeader: false)      // columns are named column1, column2, …
/// ```
public struct CSVFormat: Sendable, Hashable {
    /// The byte between fields: `,` `;` or tab are usual; never a quote, CR or LF.
    public var delimiter: UInt8
    /// Whether the first record names the columns; without it they are `column1`, `column2`, ….
    public var hasHeader: Bool
    /// The longest field, in bytes, before the reader stops with `.fieldTooLong`; it bounds the
    /// memory an unterminated quote can make the reader use.
    public var maxFieldLength: Int
    /// How many bytes the record readers take from the file at a time; a longer record grows the
    /// buffer. Tests and the fuzzers shrink it, so that records straddle blocks in small files.
    var blockSize = CSVBlockReader.defaultBlockSize

    /// - Precondition: `delimiter` is a single ASCII character other than `"`, CR or LF;
    ///   `maxFieldLength > 0`.
    public init(delimiter: Character = ",", hasHeader: Bool = true, maxFieldLength: Int = 1 << 20) {
        require(
            delimiter.isASCII && !["\"", "\r", "\n", "\r\n"].contains(delimiter),
            "CSV delimiter must be one ASCII character other than a quote or line break, got \(delimiter.debugDescription)")
        require(maxFieldLength > 0, "maxFieldLength must be positive, got \(maxFieldLength)")
        self.delimiter = delimiter.asciiValue!
        self.hasHeader = hasHeader
        self.maxFieldLength = maxFieldLength
    }

    /// Comma-separated with a header row.
    public static let standard = CSVFormat()
}
