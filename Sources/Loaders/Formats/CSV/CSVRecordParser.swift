/// Parses CSV records in place in a `CSVBlockReader`'s buffer (RFC 4180 plus LF, CRLF and lone CR
/// line ends, blank lines skipped), converting feature and target value columns to `Float` as it
/// goes.
///
/// Why this shape: the hot loop reads each byte once. A lone `0` is one compare; a plain integer
/// (MNIST's pixels) is accumulated digit by digit and a plain decimal (`-12.375`) converted by
/// Clinger's fast path, both stored without ever forming a span; anything else (exponents, spaces,
/// quotes, long digit strings) takes the general path through `DecimalText`. No `String` is made
/// per field. A record that reaches the end of the buffer before its line end reports
/// `.needMore`, and the caller refills and parses it again from its start.
struct CSVRecordParser {
    enum Outcome {
        /// A record was parsed; the next one starts at the pointer.
        case record(UnsafePointer<UInt8>)
        /// An empty line was skipped; the next record starts at the pointer.
        case blank(UnsafePointer<UInt8>)
        /// The record continues past the buffer's end.
        case needMore
        case failed(CSVFailure)
    }

    private static let quote: UInt8 = 0x22
    private static let lineFeed: UInt8 = 0x0A
    private static let carriageReturn: UInt8 = 0x0D

    let delimiter: UInt8
    let maxFieldLength: Int
    /// Whether the fast number paths may run: they read digits, `.` and `-` without looking for
    /// the delimiter, so a delimiter that is one of those (`--delimiter .`) takes the general path,
    /// which splits the field first.
    private let numericFastPaths: Bool
    /// Per column: its role and, for features and values, its slot in the row or the values.
    private let roles: [CSVColumnRole]
    private let slots: [Int]
    /// The label field of the last record parsed, when a column has the `.label` role.
    private(set) var label: CSVFieldSpan?
    /// Whether every feature of the last record parsed was a plain integer in 0...255, so that
    /// it can be stored as a byte without loss.
    private(set) var recordFitsInBytes = false

    init(format: CSVFormat, roles: [CSVColumnRole], slots: [Int]) {
        precondition(roles.count == slots.count && !roles.isEmpty)
        delimiter = format.delimiter
        maxFieldLength = format.maxFieldLength
        numericFastPaths = !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(delimiter)
            && delimiter != UInt8(ascii: ".") && delimiter != UInt8(ascii: "-")
        self.roles = roles
        self.slots = slots
    }

    /// Parses the record at `start`, writing feature values into `row` and target values into
    /// `values`.
    ///
    /// - Parameters:
    ///   - start: the first byte of a record, before `end`.
    ///   - end: the end of the buffered bytes; `end.pointee` must be the line-feed sentinel.
    ///   - isLast: whether `end` is the end of the input, so a record may end there.
    ///   - row: room for a value per feature column.
    ///   - values: room for a value per `.value` column; nil when there is none.
    ///   - base: the file offset of `start`, for failure offsets.
    /// - Complexity: O(record length).
    mutating func parse(
        _ start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, isLast: Bool,
        row: UnsafeMutablePointer<Float>, values: UnsafeMutablePointer<Float>?, base: Int
    ) -> Outcome {
        if let blank = Self.blankLine(start, end: end, isLast: isLast) { return blank }
        let delimiter = self.delimiter
        let maxFieldLength = self.maxFieldLength
        let numericFastPaths = self.numericFastPaths
        let lastColumn = roles.count - 1
        let zeroThenDelimiter = UInt16(littleEndian: UInt16(0x30) | UInt16(delimiter) << 8)
        return roles.withUnsafeBufferPointer { roles in
            slots.withUnsafeBufferPointer { slots in
                var pointer = start
                var column = 0
                var bits: UInt64 = 0   // the OR of the plain integers: above 255 once one is
                while true {
                    var terminator: UnsafePointer<UInt8>
                    parsing: do {
                        switch roles[column] {
                        case .feature:
                            // Fastest path: a lone zero, the most common value of sparse data.
                            if numericFastPaths, UnsafeRawPointer(pointer).loadUnaligned(as: UInt16.self) == zeroThenDelimiter {
                                row[slots[column]] = 0
                                terminator = pointer + 1
                                break parsing
                            }
                            // Fast path: an unsigned integer of at most 19 digits, nothing around it.
                            var digit = pointer.pointee &- 0x30
                            if numericFastPaths && digit < 10 {
                                var value: UInt64 = 0
                                var cursor = pointer
                                repeat {
                                    value = value &* 10 &+ UInt64(digit)
                                    cursor += 1
                                    digit = cursor.pointee &- 0x30
                                } while digit < 10 && cursor - pointer < 19
                                let next = cursor.pointee
                                if next == delimiter || next == Self.lineFeed || next == Self.carriageReturn,
                                   cursor - pointer <= maxFieldLength {
                                    row[slots[column]] = Float(value)
                                    bits |= value
                                    terminator = cursor
                                    break parsing
                                }
                            }
                            // Next fastest: a plain decimal (`-12.5`, `.25`).
                            if numericFastPaths, let (value, after) = plainDecimal(pointer) {
                                row[slots[column]] = value
                                bits = .max
                                terminator = after
                                break parsing
                            }
                            fallthrough
                        case .value:
                            switch scanField(pointer, end: end, isLast: isLast, column: column, start: start, base: base) {
                            case .field(let span, let after):
                                guard let value = Self.number(span) else {
                                    // An empty field that ends a short record (`1,2,` for four
                                    // columns): at that place the defect is the record's length.
                                    if span.start == after, after.pointee != delimiter, column != lastColumn {
                                        return .failed(CSVFailure(.tooFewFields, offset: base + (after - start), column: column + 1))
                                    }
                                    return .failed(CSVFailure(
                                        .notANumber, offset: base + (span.start - start), column: column,
                                        text: span.text))
                                }
                                if roles[column] == .feature {
                                    row[slots[column]] = value
                                    bits = .max
                                } else {
                                    values.unsafelyUnwrapped[slots[column]] = value
                                }
                                terminator = after
                            case .needMore: return .needMore
                            case .failed(let failure): return .failed(failure)
                            }
                        case .label, .skip:
                            switch scanField(pointer, end: end, isLast: isLast, column: column, start: start, base: base) {
                            case .field(let span, let after):
                                if roles[column] == .label { label = span }
                                terminator = after
                            case .needMore: return .needMore
                            case .failed(let failure): return .failed(failure)
                            }
                        }
                    }
                    let byte = terminator.pointee
                    if byte == delimiter {
                        if column == lastColumn {
                            return .failed(CSVFailure(.tooManyFields, offset: base + (terminator + 1 - start), column: column + 1))
                        }
                        pointer = terminator + 1
                        column += 1
                        continue
                    }
                    // A line end, real or the sentinel.
                    guard let next = Self.lineEnd(terminator, end: end, isLast: isLast) else { return .needMore }
                    if column != lastColumn {
                        return .failed(CSVFailure(.tooFewFields, offset: base + (terminator - start), column: column + 1))
                    }
                    recordFitsInBytes = bits <= 255
                    return .record(next)
                }
            }
        }
    }

    /// Splits the record at `start` into field spans (for headers, type inference and summaries).
    ///
    /// A record with more than `maxFields` fields fails with `.tooManyFields` at the start of the
    /// first field too many: without that bound, one long line of delimiters would grow the
    /// buffer and `fields` with the file.
    func split(
        _ start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, isLast: Bool, base: Int, maxFields: Int,
        into fields: inout [CSVFieldSpan]
    ) -> Outcome {
        fields.removeAll(keepingCapacity: true)
        if let blank = Self.blankLine(start, end: end, isLast: isLast) { return blank }
        var pointer = start
        while true {
            switch scanField(pointer, end: end, isLast: isLast, column: fields.count, start: start, base: base) {
            case .field(let span, let after):
                fields.append(span)
                if after.pointee == delimiter {
                    pointer = after + 1
                    if fields.count == maxFields {
                        return .failed(CSVFailure(.tooManyFields, offset: base + (pointer - start), column: maxFields))
                    }
                    continue
                }
                guard let next = Self.lineEnd(after, end: end, isLast: isLast) else { return .needMore }
                return .record(next)
            case .needMore: return .needMore
            case .failed(let failure): return .failed(failure)
            }
        }
    }

    /// The value of a field at `start` of the form `-? digits (. digits)?` (at most 19 digits in
    /// all, at least one) followed by a delimiter or line end, when the fast conversion decides it;
    /// nil for anything else, which the general path reads.
    private func plainDecimal(_ start: UnsafePointer<UInt8>) -> (Float, UnsafePointer<UInt8>)? {
        var cursor = start
        let negative = cursor.pointee == UInt8(ascii: "-")
        if negative { cursor += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var fractionDigits = 0
        var digit = cursor.pointee &- 0x30
        while digit < 10 && digits < 19 {
            mantissa = mantissa &* 10 &+ UInt64(digit)
            digits += 1
            cursor += 1
            digit = cursor.pointee &- 0x30
        }
        if cursor.pointee == UInt8(ascii: ".") {
            cursor += 1
            digit = cursor.pointee &- 0x30
            while digit < 10 && digits < 19 {
                mantissa = mantissa &* 10 &+ UInt64(digit)
                digits += 1
                fractionDigits += 1
                cursor += 1
                digit = cursor.pointee &- 0x30
            }
        }
        let next = cursor.pointee
        guard digits > 0, next == delimiter || next == Self.lineFeed || next == Self.carriageReturn,
              cursor - start <= maxFieldLength,
              let magnitude = fractionDigits == 0
                ? Float(mantissa) : DecimalConversion.float(mantissa: mantissa, fractionDigits: fractionDigits)
        else { return nil }
        return (negative ? -magnitude : magnitude, cursor)
    }

    /// Converts a field to `Float`; nil when it is not exactly one number.
    static func number(_ span: CSVFieldSpan) -> Float? {
        if span.hasEscapes { return nil }
        return DecimalText.scan(span.bytes).map(DecimalConversion.float)
    }

    private enum FieldScan {
        case field(CSVFieldSpan, terminator: UnsafePointer<UInt8>)
        case needMore
        case failed(CSVFailure)
    }

    /// Finds the field at `pointer` and the byte after it (a delimiter or a line end).
    private func scanField(
        _ pointer: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, isLast: Bool, column: Int,
        start: UnsafePointer<UInt8>, base: Int
    ) -> FieldScan {
        let delimiter = self.delimiter
        if pointer.pointee == Self.quote && pointer < end {
            var search = pointer + 1
            var hasEscapes = false
            while true {
                guard let closing = ByteSearch.first(Self.quote, from: search, to: end) else {
                    if end - pointer > maxFieldLength + 2 {
                        return .failed(CSVFailure(.fieldTooLong, offset: base + (pointer - start), column: column))
                    }
                    if !isLast { return .needMore }
                    return .failed(CSVFailure(
                        .unterminatedQuote, offset: base + (end - start), column: column,
                        quoteOffset: base + (pointer - start)))
                }
                let after = closing + 1
                if after == end && !isLast { return .needMore }
                if after < end && after.pointee == Self.quote {
                    hasEscapes = true
                    search = after + 1
                    continue
                }
                if closing - (pointer + 1) > maxFieldLength {
                    return .failed(CSVFailure(.fieldTooLong, offset: base + (pointer - start), column: column))
                }
                let next = after.pointee
                if next != delimiter && next != Self.lineFeed && next != Self.carriageReturn {
                    return .failed(CSVFailure(.characterAfterQuote, offset: base + (after - start), column: column))
                }
                return .field(
                    CSVFieldSpan(start: pointer + 1, end: closing, isQuoted: true, hasEscapes: hasEscapes),
                    terminator: after)
            }
        }
        var cursor = pointer
        while true {
            let byte = cursor.pointee
            if byte == delimiter || byte == Self.lineFeed || byte == Self.carriageReturn { break }
            if byte == Self.quote {
                // Past the limit the field is too long already, as a buffer ending before the
                // quote would find: the error must not depend on where blocks end.
                if cursor - pointer > maxFieldLength {
                    return .failed(CSVFailure(.fieldTooLong, offset: base + (pointer - start), column: column))
                }
                return .failed(CSVFailure(.quoteInUnquotedField, offset: base + (cursor - start), column: column))
            }
            cursor += 1
        }
        if cursor == end && !isLast && cursor - pointer <= maxFieldLength { return .needMore }
        if cursor - pointer > maxFieldLength {
            return .failed(CSVFailure(.fieldTooLong, offset: base + (pointer - start), column: column))
        }
        return .field(CSVFieldSpan(start: pointer, end: cursor, isQuoted: false, hasEscapes: false), terminator: cursor)
    }

    /// The start of the next record after the line end at `terminator`; nil when the buffer ends
    /// before the line end is certain (the sentinel, or a CR whose LF may follow in the next block).
    private static func lineEnd(_ terminator: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, isLast: Bool) -> UnsafePointer<UInt8>? {
        if terminator == end { return isLast ? end : nil }
        if terminator.pointee == carriageReturn {
            if terminator + 1 == end { return isLast ? end : nil }
            return terminator[1] == lineFeed ? terminator + 2 : terminator + 1
        }
        return terminator + 1
    }

    /// `.blank` when `start` begins an empty line, `.needMore` when that cannot be told yet.
    private static func blankLine(_ start: UnsafePointer<UInt8>, end: UnsafePointer<UInt8>, isLast: Bool) -> Outcome? {
        let byte = start.pointee
        guard byte == lineFeed || byte == carriageReturn else { return nil }
        if start == end { return isLast ? .blank(end) : .needMore }
        guard let next = lineEnd(start, end: end, isLast: isLast) else { return .needMore }
        return .blank(next)
    }
}
