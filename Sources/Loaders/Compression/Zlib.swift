import CZlib

/// One zlib inflate stream decoding gzip members (and, below, one-shot compression): the only
/// place in SwiftLoaders that calls zlib.
///
/// The `z_stream` lives on the heap (zlib keeps pointers into it, so it must not move) and is
/// released in `deinit`. Return codes become `LoaderError`s; the caller adds the file and offset.
final class InflateStream {
    /// What one call to `inflate(…)` achieved.
    struct Progress {
        /// Compressed bytes consumed from the input.
        var consumed: Int
        /// Decompressed bytes written to the output.
        var produced: Int
        /// Whether the current gzip member ended (its CRC-32 and length were checked).
        var memberEnded: Bool
    }

    /// Why zlib refused the input.
    struct Failure: Error {
        var code: LoaderError.Code
        var message: String
        /// Compressed bytes zlib consumed before it gave up.
        var consumed: Int
    }

    private let stream: UnsafeMutablePointer<z_stream>

    /// Starts a stream that accepts gzip members only (window bits 15 + 16).
    /// - Throws: `LoaderError` `.io` when zlib cannot allocate its state.
    init() throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = czlib_inflateInit2(stream, 15 + 16)
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw LoaderError(.io, "zlib could not start an inflate stream (status \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Prepares for the next gzip member of a multi-member file.
    func reset() {
        // inflateReset only fails on a stream zlib never initialised, which init rules out.
        _ = inflateReset(stream)
    }

    /// Inflates from `input` into `output` until either is exhausted or the member ends.
    /// - Throws: `Failure` describing corrupt data, a checksum or length mismatch.
    func inflate(from input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws(Failure)
        -> Progress
    {
        let z = stream
        z.pointee.next_in = UnsafeMutablePointer(
            mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        z.pointee.avail_in = uInt(input.count)
        z.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self)
        z.pointee.avail_out = uInt(output.count)
        let status = CZlib.inflate(z, Z_NO_FLUSH)
        let progress = Progress(
            consumed: input.count - Int(z.pointee.avail_in),
            produced: output.count - Int(z.pointee.avail_out),
            memberEnded: status == Z_STREAM_END)
        z.pointee.next_in = nil
        z.pointee.next_out = nil
        switch status {
        case Z_OK, Z_STREAM_END, Z_BUF_ERROR:
            // Z_BUF_ERROR only means "no progress possible now": the caller supplies more input or room.
            return progress
        case Z_DATA_ERROR:
            let reason = z.pointee.msg.map { String(cString: $0) } ?? "invalid data"
            switch reason {
            case "incorrect data check": throw Failure(code: .checksumMismatch, message: "gzip CRC-32 does not match the data", consumed: progress.consumed)
            case "incorrect length check": throw Failure(code: .lengthMismatch, message: "gzip length field does not match the data", consumed: progress.consumed)
            default: throw Failure(code: .corrupt, message: "corrupt gzip data: \(reason)", consumed: progress.consumed)
            }
        case Z_NEED_DICT:
            throw Failure(code: .corrupt, message: "corrupt gzip data: a preset dictionary is required", consumed: progress.consumed)
        case Z_MEM_ERROR:
            throw Failure(code: .io, message: "zlib ran out of memory", consumed: progress.consumed)
        default:
            throw Failure(code: .io, message: "zlib inflate failed (status \(status))", consumed: progress.consumed)
        }
    }
}

/// `bytes` compressed as one zlib stream (RFC 1950), the form of PNG's image data.
/// - Throws: `LoaderError` `.io` when zlib fails (it ran out of memory).
package func zlibCompressed(_ bytes: [UInt8]) throws -> [UInt8] {
    var size = compressBound(uLong(bytes.count))
    var output = [UInt8](repeating: 0, count: Int(size))
    let status = output.withUnsafeMutableBufferPointer { output in
        bytes.withUnsafeBufferPointer { input in compress2(output.baseAddress, &size, input.baseAddress, uLong(input.count), Z_DEFAULT_COMPRESSION) }
    }
    guard status == Z_OK else { throw LoaderError(.io, "zlib compress failed (status \(status))") }
    return Array(output.prefix(Int(size)))
}

extension LoaderError.Code {
    /// A checksum stored in the file (gzip's CRC-32) does not match the data.
    public static let checksumMismatch = Self("checksumMismatch")
    /// A length stored in the file (gzip's ISIZE) does not match the data.
    public static let lengthMismatch = Self("lengthMismatch")
    /// Compressed data that cannot be decoded.
    public static let corrupt = Self("corrupt")
    /// Bytes after the end of the data the format defines (after the last gzip member, after an
    /// IDX payload).
    public static let trailingData = Self("trailingData")
}
