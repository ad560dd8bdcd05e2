/// Reads the records of one byte range front to back, each into a row of `Float` features and a
/// label number or a row of `Float` target values: the loop shared by the parallel loader and the
/// streaming shards.
///
/// Memory is one block buffer; a record belongs to the range when it starts inside it, so the
/// last one may be read past the range's end.
struct CSVRowCursor {
    let plan: CSVColumnPlan
    private let reader: CSVBlockReader
    private var parser: CSVRecordParser
    private var pointer: UnsafePointer<UInt8>
    private let stop: Int
    /// The file offset of the next record (or blank line); after the last record of the range,
    /// where the range's records end.
    var offset: Int { reader.fileOffset(of: pointer) }
    /// Whether the last record's features were all plain integers in 0...255.
    var recordFitsInBytes: Bool { parser.recordFitsInBytes }
    /// The text labels met so far, numbered in order of first appearance within this range.
    private(set) var categories = CategoryTable()

    /// Positions the cursor at `start`, the start of a record (or the range's end).
    /// - Throws: `LoaderError` `.io` when the file cannot be read.
    init(file: CSVText, plan: CSVColumnPlan, from start: Int, to stop: Int) throws {
        self.plan = plan
        self.stop = stop
        reader = CSVBlockReader(file: file, from: start, blockSize: plan.schema.format.blockSize)
        try reader.refill(keepingFrom: reader.start)
        pointer = reader.start
        parser = CSVRecordParser(format: plan.schema.format, roles: plan.roles, slots: plan.slots)
    }

    /// Reads the next record's features into `row` (`plan.featureCount` values) and its target
    /// values into `values` (`plan.valueCount` of them; nil when there are none).
    /// - Returns: the record's label number (0 when the targets are values), or nil after the
    ///   range's last record.
    /// - Throws: `LoaderError` naming the file, line and column of malformed input.
    mutating func next(into row: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<Float>? = nil) throws -> Int32? {
        while true {
            let recordOffset = reader.fileOffset(of: pointer)
            if recordOffset >= stop || (pointer == reader.end && reader.isAtEnd) { return nil }
            if pointer == reader.end {
                try refill()
                continue
            }
            switch parser.parse(pointer, end: reader.end, isLast: reader.isAtEnd, row: row, values: values, base: recordOffset) {
            case .record(let next):
                let label = try labelNumber()
                pointer = next
                return label
            case .blank(let next):
                pointer = next
            case .needMore:
                try refill()
            case .failed(let failure):
                throw error(failure)
            }
        }
    }

    private mutating func refill() throws {
        try reader.refill(keepingFrom: pointer)
        pointer = reader.start
    }

    private mutating func labelNumber() throws -> Int32 {
        guard let span = parser.label else { return 0 }
        switch plan.targetReading {
        case .categoryLabels:
            if span.hasEscapes { return span.unescaped.withUnsafeBytes { categories.number(of: $0) } }
            return categories.number(of: span.bytes)
        case .integerLabels:
            if let value = Self.integer(span) { return value }
            // A number that is no label is told apart from text: the user may have meant values.
            let kind: CSVFailure.Kind =
                switch span.hasEscapes ? nil : DecimalText.scan(span.bytes) {
                case nil: .notAnIntegerLabel
                case let number?: abs(DecimalConversion.float(number)) >= 0x1p31 ? .labelOutOfRange : .fractionalLabel
                }
            throw error(CSVFailure(kind, offset: reader.fileOffset(of: span.start), column: plan.targetIndices[0], text: span.text))
        case .values:
            preconditionFailure("a label span under real-valued targets")
        }
    }

    /// The field's value when it is an integer that fits `Int32` (`7`, ` -3 `, `"4"`, `2.0`, `1e1`).
    private static func integer(_ span: CSVFieldSpan) -> Int32? {
        var value: Int32 = 0
        var pointer = span.start
        while pointer < span.end, pointer.pointee &- 0x30 < 10, value < 100_000_000 {
            value = value * 10 + Int32(pointer.pointee &- 0x30)
            pointer += 1
        }
        if pointer == span.end && pointer > span.start { return value }
        // Decided on the digits: `1.00000000000000001` rounds to the Double 1.0 but is no integer.
        guard !span.hasEscapes, let text = DecimalText.scan(span.bytes), let integer = text.exactInteger else { return nil }
        return Int32(exactly: integer)
    }

    private func error(_ failure: CSVFailure) -> LoaderError {
        failure.loaderError(file: reader.file, columnNames: plan.schema.names, maxFieldLength: plan.schema.format.maxFieldLength)
    }
}
