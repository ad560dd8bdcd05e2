/// The bytes of a file read front to back, decompressed on the fly when the file is gzip.
///
/// Whether a file is gzip is decided by its first two bytes (1f 8b), never by its name. Offsets
/// count bytes of the (decompressed) stream; `offsetNote` tells a message which kind they are.
final class ByteStream {
    /// The path, as errors name it.
    let path: String
    /// Whether the file is gzip and the bytes are decompressed.
    let isCompressed: Bool
    /// The size of the file on disk (compressed, when `isCompressed`) when it was opened; the
    /// stream reads the file as it was then (see `ReadOnlyFile.readAsOpened`).
    let fileSize: Int
    /// How many bytes of the stream have been delivered or skipped.
    private(set) var offset = 0

    private enum Source {
        case plain(ReadOnlyFile)
        case gzip(GzipReader)
    }

    /// The file read, compressed or not.
    let file: ReadOnlyFile
    private let source: Source
    /// Buffers small reads of an uncompressed file, so sample-by-sample reading costs no syscall each.
    private var buffer: [UInt8] = []
    private var bufferStart = 0
    private var plainOffset = 0

    /// Opens `path`, detecting gzip by its magic bytes.
    /// - Parameter blockSize: how many bytes to read from the file at a time.
    /// - Throws: `LoaderError` from opening the file or starting the gzip stream.
    init(path: String, blockSize: Int = 1 << 20) throws {
        self.path = path
        let file = try ReadOnlyFile(path: path)
        var magic: (UInt8, UInt8) = (0, 0)
        let magicCount = try withUnsafeMutableBytes(of: &magic) { try file.readAsOpened(into: $0, at: 0) }
        self.file = file
        fileSize = file.size
        if magicCount == 2, magic == GzipReader.magic {
            isCompressed = true
            source = .gzip(try GzipReader(file: file, blockSize: blockSize))
        } else {
            isCompressed = false
            source = .plain(file)
        }
    }

    /// Says which stream byte offsets refer to, for error messages.
    var offsetNote: String {
        isCompressed ? "offset in the decompressed stream" : "offset in the file"
    }

    /// Fills `destination` with the next bytes.
    /// - Returns: the number of bytes read: `destination.count`, fewer only at the end of the stream.
    /// - Throws: `LoaderError` from reading or decompressing.
    func read(into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        let count: Int
        switch source {
        case .gzip(let reader):
            count = try reader.read(into: destination)
        case .plain(let file):
            count = try readPlain(file, into: destination)
        }
        offset += count
        return count
    }

    /// Discards the next `count` bytes.
    /// - Returns: how many were discarded: `count`, fewer only at the end of the stream.
    func skip(_ count: Int) throws -> Int {
        switch source {
        case .plain(let file):
            let buffered = min(buffer.count - bufferStart, count)
            bufferStart += buffered
            let skipped = buffered + min(count - buffered, max(0, file.size - plainOffset))
            plainOffset += skipped - buffered
            offset += skipped
            return skipped
        case .gzip:
            var scratch = [UInt8](repeating: 0, count: min(count, 1 << 16))
            var skipped = 0
            while skipped < count {
                let wanted = min(count - skipped, scratch.count)
                let got = try scratch.withUnsafeMutableBytes {
                    try read(into: UnsafeMutableRawBufferPointer(rebasing: $0[..<wanted]))
                }
                skipped += got
                if got < wanted { break }
            }
            return skipped
        }
    }

    private func readPlain(_ file: ReadOnlyFile, into destination: UnsafeMutableRawBufferPointer) throws -> Int {
        var delivered = 0
        let buffered = min(buffer.count - bufferStart, destination.count)
        if buffered > 0 {
            buffer.withUnsafeBytes {
                destination.baseAddress!.copyMemory(from: $0.baseAddress! + bufferStart, byteCount: buffered)
            }
            bufferStart += buffered
            delivered = buffered
        }
        let remaining = destination.count - delivered
        guard remaining > 0 else { return delivered }
        let blockSize = 1 << 16
        if remaining >= blockSize {
            // Large reads (a whole payload) go straight to their destination.
            let got = try file.readAsOpened(
                into: UnsafeMutableRawBufferPointer(rebasing: destination[delivered...]), at: plainOffset)
            plainOffset += got
            return delivered + got
        }
        if buffer.count != blockSize { buffer = [UInt8](repeating: 0, count: blockSize) }
        let filled = try buffer.withUnsafeMutableBytes { try file.readAsOpened(into: $0, at: plainOffset) }
        plainOffset += filled
        // Keep only what was read; the rest of the array is stale.
        bufferStart = blockSize - filled
        if filled < blockSize, filled > 0 {
            buffer.withUnsafeMutableBytes {
                $0.baseAddress!.advanced(by: bufferStart).copyMemory(from: $0.baseAddress!, byteCount: filled)
            }
        }
        let more = min(filled, remaining)
        buffer.withUnsafeBytes {
            (destination.baseAddress! + delivered).copyMemory(from: $0.baseAddress! + bufferStart, byteCount: more)
        }
        bufferStart += more
        return delivered + more
    }
}
