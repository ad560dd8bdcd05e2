/// Turns byte offsets into 1-based lines and columns: lines end at LF, CRLF or a lone CR (also
/// inside quoted fields, as an editor counts them); columns count characters, not bytes; a
/// byte-order mark is not counted. Bytes that are not UTF-8 count as a decoder shows them (Swift's
/// `String(decoding:as:)`, Python's `decode(errors="replace")`): one replacement character for
/// each maximal invalid sequence, so a column still points at the right place after them.
struct CSVLocator {
    let file: CSVText

    /// - Complexity: O(offset): reads the file up to `offset`.
    func lineColumn(of offset: Int) throws -> (line: Int, column: Int) {
        let reader = CSVBlockReader(file: file, from: 0, to: offset)
        try reader.refill(keepingFrom: reader.start)
        var line = 1
        var lineStart = 0              // file offset of the current line's first byte
        var characters = 0             // characters since lineStart
        var previous: UInt8 = 0
        var position = 0
        var sequence = UTF8Sequence()
        while reader.start < reader.end {
            var pointer = reader.start
            while pointer < reader.end {
                let byte = pointer.pointee
                if byte == 0x0A {
                    if previous != 0x0D { line += 1 }
                    lineStart = position + 1
                    characters = 0
                    sequence = UTF8Sequence()
                } else if byte == 0x0D {
                    line += 1
                    lineStart = position + 1
                    characters = 0
                    sequence = UTF8Sequence()
                } else if !sequence.continues(with: byte) {
                    characters += 1
                }
                previous = byte
                pointer += 1
                position += 1
            }
            if reader.isAtEnd { break }
            try reader.refill(keepingFrom: reader.end)
        }
        if lineStart == 0 && offset >= 3 {
            // A UTF-8 byte-order mark is one character, which no editor shows.
            let bom = try CSVSchema.hasByteOrderMark(file)
            if bom { characters -= 1 }
        }
        return (line, characters + 1)
    }

    /// Where a UTF-8 decoder stands within the current character: how many continuation bytes it
    /// still expects and the range the next one must fall in (narrower after E0, ED, F0 and F4,
    /// which rules out overlong forms, surrogates and code points above U+10FFFF).
    private struct UTF8Sequence {
        private var remaining = 0
        private var low: UInt8 = 0x80
        private var high: UInt8 = 0xBF

        /// Whether `byte` continues the current character; if not, it starts the next one (a valid
        /// lead byte, ASCII, or an invalid byte, each one character) and the state follows it.
        mutating func continues(with byte: UInt8) -> Bool {
            if remaining > 0 && (low...high).contains(byte) {
                remaining -= 1
                (low, high) = (0x80, 0xBF)
                return true
            }
            switch byte {
            case 0xC2...0xDF: (remaining, low, high) = (1, 0x80, 0xBF)
            case 0xE0: (remaining, low, high) = (2, 0xA0, 0xBF)
            case 0xED: (remaining, low, high) = (2, 0x80, 0x9F)
            case 0xE1...0xEF: (remaining, low, high) = (2, 0x80, 0xBF)
            case 0xF0: (remaining, low, high) = (3, 0x90, 0xBF)
            case 0xF1...0xF3: (remaining, low, high) = (3, 0x80, 0xBF)
            case 0xF4: (remaining, low, high) = (3, 0x80, 0x8F)
            default: remaining = 0
            }
            return false
        }
    }
}
