/// Turns byte offsets into 1-based lines and columns: lines end at LF, CRLF or a lone CR (also
/// inside quoted fields, as an editor counts them); columns count characters, not bytes; a
/// byte-order mark is not counted.
struct CSVLocator {
    let file: ReadOnlyFile

    /// - Complexity: O(offset): reads the file up to `offset`.
    func lineColumn(of offset: Int) throws -> (line: Int, column: Int) {
        let reader = CSVBlockReader(file: file, from: 0, to: offset)
        try reader.refill(keepingFrom: reader.start)
        var line = 1
        var lineStart = 0              // file offset of the current line's first byte
        var characters = 0             // characters since lineStart
        var previous: UInt8 = 0
        var position = 0
        while reader.start < reader.end {
            var pointer = reader.start
            while pointer < reader.end {
                let byte = pointer.pointee
                if byte == 0x0A {
                    if previous != 0x0D { line += 1 }
                    lineStart = position + 1
                    characters = 0
                } else if byte == 0x0D {
                    line += 1
                    lineStart = position + 1
                    characters = 0
                } else if byte & 0xC0 != 0x80 {
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
}
