/// Reads the decompressed bytes of a gzip file front to back, in bounded memory.
///
/// Every member of a multi-member file is read in turn (as `gzip -d` does); each member's CRC-32
/// and length are checked by zlib as it ends. A file that stops inside a member, has corrupt
/// deflate data, or has bytes after its last member that do not start another member is an error.
/// Errors carry a byte offset into the compressed file, and their message says so. The file is read
/// as it was opened: one that grows or shrinks meanwhile is a `.fileChanged` error naming both sizes.
///
/// ```swift
/// let reader = try GzipReader(path: "Fixtures/mnist/t10k-labels-idx1-ubyte.gz")
/// var header = [UInt8](repeating: 0, count: 8)
/// let count = try header.withUnsafeMutableBytes { try reader.read(into: $0) }   // 8
/// ```
///
/// Memory: one input block (`blockSize` bytes) plus zlib's 32 KiB window, whatever the file size.
public final class GzipReader {
    /// The gzip magic bytes that start every member.
    static let magic: (UInt8, UInt8) = (0x1F, 0x8B)

    /// The path of the compressed file, as errors name it.
    public var path: String { file.path }
    /// How many decompressed bytes `read(into:)` has delivered so far.
    public private(set) var decompressedOffset = 0
    /// The offset in the compressed file of the next byte zlib will consume.
    public var compressedOffset: Int { fileOffset - (inputEnd - inputStart) }

    private let file: ReadOnlyFile
    private let inflater: InflateStream
    private let input: UnsafeMutableRawBufferPointer
    private var inputStart = 0
    private var inputEnd = 0
    /// How many bytes of the file have been read into `input` so far.
    private var fileOffset = 0
    /// Whether zlib is inside a member (false between members and before the first).
    private var inMember = false
    private var isFirstMember = true
    private var finished = false

    /// Opens the gzip file at `path` and checks that it starts with the gzip magic bytes.
    /// - Parameters:
    ///   - path: the file to read.
    ///   - blockSize: how many compressed bytes to read from the file at a time.
    /// - Throws: `LoaderError` `.io` when the file cannot be opened, `.truncated` when it is too
    ///   short to hold a member, `.malformed` when it is not gzip.
    public convenience init(path: String, blockSize: Int = 1 << 20) throws {
        try self.init(file: ReadOnlyFile(path: path), blockSize: blockSize)
    }

    /// Reads the gzip stream of an already opened file from its start.
    init(file: ReadOnlyFile, blockSize: Int) throws {
        require(blockSize >= 16, "GzipReader block size \(blockSize) is too small")
        self.file = file
        let path = file.path
        inflater = try LoaderError.naming(path) { try InflateStream() }
        input = .allocate(byteCount: blockSize, alignment: 16)
        // Every stored property is set from here on, so a throw runs deinit, which frees `input`.
        try ensureInput(2)
        let available = inputEnd - inputStart
        guard available >= 2, input[0] == Self.magic.0, input[1] == Self.magic.1 else {
            if available == 0 || (available == 1 && input[0] == Self.magic.0) {
                throw LoaderError(
                    .truncated, "file ends before its first gzip member (offset in the compressed file)",
                    path: path, location: .byteOffset(available))
            }
            throw LoaderError(
                .malformed, "not a gzip file: it does not start with the magic bytes 1f 8b (offset in the compressed file)",
                path: path, location: .byteOffset(0))
        }
    }

    deinit {
        input.deallocate()
    }

    /// Fills `buffer` with the next decompressed bytes.
    /// - Returns: the number of bytes written: `buffer.count`, fewer only at the end of the last member.
    /// - Throws: `LoaderError` `.truncated`, `.corrupt`, `.checksumMismatch`, `.lengthMismatch`,
    ///   `.trailingData`, `.fileChanged` or `.io`, naming the file and the offset in the compressed file.
    /// - Complexity: O(decompressed bytes delivered).
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var produced = 0
        while produced < buffer.count, !finished {
            if !inMember {
                try startMember()
                continue
            }
            // Even with every byte of the file consumed, zlib may still hold decoded bits or the
            // rest of a match; only when it can make no progress without input is the member cut
            // short. (Giving up earlier would make the bytes delivered, and which error comes
            // first, depend on the caller's read sizes.)
            if inputStart == inputEnd { try ensureInput(1) }
            // zlib counts in 32 bits; larger requests are served in slices.
            let room = min(buffer.count - produced, 1 << 30)
            let progress: InflateStream.Progress
            do {
                progress = try inflater.inflate(
                    from: UnsafeRawBufferPointer(rebasing: input[inputStart..<inputEnd]),
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[produced..<(produced + room)]))
            } catch {
                let offset = compressedOffset + error.consumed
                inputStart = inputEnd
                finished = true  // zlib cannot resume after an error
                throw LoaderError(
                    error.code, error.message + " (offset in the compressed file)",
                    path: path, location: .byteOffset(offset))
            }
            inputStart += progress.consumed
            produced += progress.produced
            if progress.memberEnded {
                inMember = false
            } else if progress.consumed == 0, progress.produced == 0, inputStart == inputEnd {
                try file.checkUnchanged(readingAt: file.size)
                throw LoaderError(
                    .truncated,
                    "file ends inside a gzip member after \(decompressedOffset + produced) decompressed bytes (offset in the compressed file)",
                    path: path, location: .byteOffset(file.size))
            }
        }
        decompressedOffset += produced
        return produced
    }

    /// Begins the next member, or notes the end of the file; bytes that cannot start a member are
    /// trailing garbage.
    private func startMember() throws {
        try ensureInput(2)
        let available = inputEnd - inputStart
        if available == 0 {
            finished = true
            // The file read to its end as opened: appended bytes would otherwise go unread.
            try file.checkUnchanged(readingAt: file.size)
            return
        }
        guard available >= 2, input[inputStart] == Self.magic.0, input[inputStart + 1] == Self.magic.1 else {
            throw LoaderError(
                .trailingData,
                "\(file.size - compressedOffset) bytes after the last gzip member are not a gzip member (offset in the compressed file)",
                path: path, location: .byteOffset(compressedOffset))
        }
        if !isFirstMember { inflater.reset() }
        isFirstMember = false
        inMember = true
    }

    /// Makes at least `count` unread bytes available in `input`, unless the file ends first.
    private func ensureInput(_ count: Int) throws {
        guard inputEnd - inputStart < count, fileOffset < file.size else { return }
        let pending = inputEnd - inputStart
        if pending > 0, inputStart > 0 {
            input.baseAddress!.copyMemory(from: input.baseAddress! + inputStart, byteCount: pending)
        }
        inputStart = 0
        inputEnd = pending
        let read = try file.readAsOpened(
            into: UnsafeMutableRawBufferPointer(rebasing: input[pending...]), at: fileOffset)
        fileOffset += read
        inputEnd += read
    }
}
