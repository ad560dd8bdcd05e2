/// One field of a record as it lies in the buffer.
struct CSVFieldSpan {
    /// The field's content: inside the quotes for a quoted field.
    var start: UnsafePointer<UInt8>
    var end: UnsafePointer<UInt8>
    var isQuoted: Bool
    /// Whether the quoted content holds `""` escapes that `unescaped` must collapse.
    var hasEscapes: Bool

    /// The byte after the field (a delimiter or a line end): after the closing quote of a quoted
    /// field. A record that stops there short of fields is reported there.
    var terminator: UnsafePointer<UInt8> { isQuoted ? end + 1 : end }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: start, count: end - start) }

    /// The content with `""` collapsed to `"`.
    var unescaped: [UInt8] {
        guard hasEscapes else { return Array(bytes) }
        var result: [UInt8] = []
        result.reserveCapacity(end - start)
        var pointer = start
        while pointer < end {
            result.append(pointer.pointee)
            pointer += pointer.pointee == 0x22 ? 2 : 1
        }
        return result
    }

    /// The content as text, for messages and column names.
    var text: String { String(decoding: unescaped, as: UTF8.self) }
}
