#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes the CSV readers parse: a plain file, read in place, or the text of a gzip-compressed
/// file (`.csv.gz`), inflated once into memory so that it can be cut and read in parallel as a
/// plain file is. Offsets, lines and columns count the text's bytes, never the compressed ones.
///
/// Positioned reads share no state, so any number of threads may read through one of these.
final class CSVText: Sendable {
    /// The file, as errors name it.
    let path: String
    /// The number of bytes of text.
    let size: Int
    /// Whether the text was inflated from a gzip file.
    var isInflated: Bool {
        if case .inflated = storage { return true }
        return false
    }

    private enum Storage: Sendable {
        case file(ReadOnlyFile)
        case inflated([UInt8])
    }

    private let storage: Storage

    private init(path: String, size: Int, storage: Storage) {
        self.path = path
        self.size = size
        self.storage = storage
    }

    /// Reads `file` in place.
    convenience init(file: ReadOnlyFile) {
        self.init(path: file.path, size: file.size, storage: .file(file))
    }

    /// Opens `path`: in place, or inflated when it starts with gzip's magic bytes 1f 8b.
    ///
    /// Inflating stops early at a field longer than `format`'s limit (a run of bytes longer than
    /// the limit and its quotes with no delimiter or line break, which no field boundary can
    /// cross): the text kept ends inside that field, where every reader reports it, as for a plain
    /// file. So a small file inflating to gigabytes without a line break costs a megabyte or two.
    /// - Throws: `LoaderError` `.io` when the file cannot be read; for gzip, the `GzipReader`
    ///   errors (at offsets in the compressed file), `.resourceExhausted` before the text outgrows
    ///   `MemoryLimit`, and `.unsupported` before it outgrows what deflate can expand the file to.
    convenience init(path: String, format: CSVFormat) throws {
        let file = try ReadOnlyFile(path: path)
        var magic: (UInt8, UInt8) = (0, 0)
        let count = try withUnsafeMutableBytes(of: &magic) { try file.read(into: $0, at: 0) }
        guard count == 2, magic == GzipReader.magic else {
            self.init(file: file)
            return
        }
        let text = try Self.inflate(file, format: format)
        self.init(path: path, size: text.count, storage: .inflated(text))
    }

    /// The same text for another reader: the file opened again (a descriptor of its own, as a
    /// shard's stream wants), or the inflated bytes, shared.
    func reopened() throws -> CSVText {
        switch storage {
        case .file: CSVText(file: try ReadOnlyFile(path: path))
        case .inflated: self
        }
    }

    /// Reads up to `buffer.count` bytes starting at `offset`; fewer only at the end of the text.
    /// - Returns: the number of bytes read, 0 at the end.
    /// - Throws: `LoaderError` `.io` naming the file and offset.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Int {
        switch storage {
        case .file(let file):
            return try file.read(into: buffer, at: offset)
        case .inflated(let text):
            let count = max(0, min(buffer.count, text.count - offset))
            guard count > 0 else { return 0 }
            text.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
            return count
        }
    }

    /// No deflate stream expands more than 1032 times (258-byte matches coded in 2 bits).
    static let maxDeflateRatio = 1032

    /// The decompressed text of a gzip file, every member in turn, up to the first field too long.
    private static func inflate(_ file: ReadOnlyFile, format: CSVFormat) throws -> [UInt8] {
        let reader = try GzipReader(file: file, blockSize: 1 << 20)
        let (ratioBound, ratioOverflow) = file.size.multipliedReportingOverflow(by: maxDeflateRatio)
        let limit = min(ratioOverflow ? Int.max : ratioBound, MemoryLimit.bytes)
        // gzip's trailer holds the last member's length modulo 2^32: a hint for one allocation,
        // trusted no further than the limit and a ratio text usually stays within.
        var trailer: UInt32 = 0
        if file.size >= 4 {
            _ = try withUnsafeMutableBytes(of: &trailer) { try file.read(into: $0, at: file.size - 4) }
        }
        let block = 1 << 20
        var text: [UInt8] = []
        // A block more than the text, for the read that finds its end without growing the array
        // (which would double it).
        text.reserveCapacity(min(Int(UInt32(littleEndian: trailer)), limit, file.size < Int.max / 64 ? file.size * 64 : Int.max) + block)
        var run = 0   // bytes since the last delimiter or line break
        while true {
            let start = text.count
            let wanted = min(block, limit + 1 - start)
            text.append(contentsOf: repeatElement(0, count: wanted))
            let read = try text[start...].withUnsafeMutableBytes { try reader.read(into: $0) }
            text.removeLast(wanted - read)
            if let end = endOfLongField(in: text[start...], run: &run, format: format) {
                text.removeLast(text.count - end)
                return text
            }
            if text.count > limit {
                try MemoryLimit.check(
                    text.count, for: "the gzip-compressed text, inflated (decompress it and read the file in place: "
                        + "CSVStreamingDataset never holds it),", path: file.path, location: .byteOffset(reader.compressedOffset))
                throw LoaderError(
                    .unsupported, "the gzip-compressed text is larger than deflate can expand a \(file.size)-byte file to",
                    path: file.path, location: .byteOffset(reader.compressedOffset))
            }
            if read < wanted { return text }
        }
    }

    /// Where to end the text when `bytes` complete a run of more than `maxFieldLength + 2` bytes
    /// without a delimiter or line break (the field and its quotes): just after the byte that
    /// makes it too long; nil otherwise, with `run` carried over to the next bytes.
    private static func endOfLongField(in bytes: ArraySlice<UInt8>, run: inout Int, format: CSVFormat) -> Int? {
        let delimiter = format.delimiter
        let longest = format.maxFieldLength + 2
        return bytes.withUnsafeBufferPointer { buffer in
            var current = run
            defer { run = current }
            for (position, byte) in buffer.enumerated() {
                if byte == delimiter || byte == 0x0A || byte == 0x0D {
                    current = 0
                } else {
                    current += 1
                    if current > longest { return bytes.startIndex + position + 1 }
                }
            }
            return nil
        }
    }
}
