/// An open IDX file, raw or gzipped, positioned after its validated header.
///
/// Opening checks the declared payload against what the file can hold before anything is
/// allocated: an uncompressed file must hold exactly the declared bytes, and a gzip file cannot
/// inflate to more than 1032 times its size (deflate's maximum ratio).
final class IDXReader {
    /// Deflate never expands more than 1032:1, so a larger declared payload cannot be present.
    private static let maximumInflationRatio = 1032

    let stream: ByteStream
    let header: IDXHeader
    var path: String { stream.path }

    /// Opens `path` and validates its header and declared payload size.
    /// - Parameter blockSize: how many bytes to read from the file at a time.
    /// - Throws: `LoaderError` naming the file and byte offset (see `IDXHeader.read(from:)`);
    ///   `.truncated` when the payload is short, `.trailingData` when an uncompressed file is longer.
    init(path: String, blockSize: Int = 1 << 20) throws {
        stream = try ByteStream(path: path, blockSize: blockSize)
        header = try IDXHeader.read(from: stream)
        let declared = header.payloadByteCount
        if stream.isCompressed {
            let (limit, overflow) = stream.fileSize.multipliedReportingOverflow(by: Self.maximumInflationRatio)
            if !overflow, declared > limit {
                throw LoaderError(
                    .truncated,
                    "IDX header declares \(declared) payload bytes, more than a \(stream.fileSize)-byte gzip file can hold (offset in the compressed file)",
                    path: path, location: .byteOffset(stream.fileSize))
            }
        } else {
            let present = stream.fileSize - header.byteCount
            if present < declared {
                throw LoaderError(
                    .truncated,
                    "IDX payload is \(present) bytes, the header declares \(declared) (offset in the file)",
                    path: path, location: .byteOffset(stream.fileSize))
            }
            if present > declared {
                throw LoaderError(
                    .trailingData,
                    "\(present - declared) bytes after the IDX payload the header declares (offset in the file)",
                    path: path, location: .byteOffset(header.byteCount + declared))
            }
        }
    }

    /// Refuses to hold `byteCount` bytes in memory, a size taken from the header, past
    /// `MemoryLimit`: allocating it would end the process.
    /// - Parameters:
    ///   - what: what the bytes are for, in the message ("one sample").
    ///   - limit: `MemoryLimit.bytes` unless a test asks for less.
    /// - Throws: `LoaderError` `.resourceExhausted` naming the file, the size and the limit, at
    ///   the header's dimension sizes.
    func checkFitsInMemory(_ byteCount: Int, holding what: String, limit: Int = MemoryLimit.bytes) throws {
        try MemoryLimit.check(
            byteCount, for: "\(what) as the IDX header declares it (\(stream.offsetNote))", path: path, location: .byteOffset(4),
            limit: limit)
    }

    /// Reads the next `destination.count` payload bytes.
    /// - Throws: `LoaderError` `.truncated` when the payload ends first, or from decompressing.
    func readExactly(into destination: UnsafeMutableRawBufferPointer) throws {
        let got = try stream.read(into: destination)
        if got < destination.count { throw payloadShort() }
    }

    /// Skips the next `count` payload bytes.
    /// - Throws: `LoaderError` `.truncated` when the payload ends first, or from decompressing.
    func skip(_ count: Int) throws {
        if try stream.skip(count) < count { throw payloadShort() }
    }

    /// Checks that nothing follows the declared payload; for gzip this also reaches the last
    /// member's end, so its CRC-32 and length are verified.
    /// - Precondition: the whole payload has been read.
    /// - Throws: `LoaderError` `.trailingData`, or from decompressing.
    func finish() throws {
        var extra: UInt8 = 0
        let got = try withUnsafeMutableBytes(of: &extra) { try stream.read(into: $0) }
        if got > 0 {
            throw LoaderError(
                .trailingData,
                "data continues after the \(header.payloadByteCount)-byte IDX payload the header declares (\(stream.offsetNote))",
                path: path, location: .byteOffset(header.byteCount + header.payloadByteCount))
        }
    }

    private func payloadShort() -> LoaderError {
        LoaderError(
            .truncated,
            "IDX payload ends after \(stream.offset - header.byteCount) of the \(header.payloadByteCount) bytes the header declares (\(stream.offsetNote))",
            path: path, location: .byteOffset(stream.offset))
    }
}
