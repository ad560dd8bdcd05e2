import CLibdeflate

/// Whole-buffer decompression with libdeflate: the only place in SwiftLoaders that calls it.
///
/// libdeflate inflates an in-memory stream 2-3 times faster than zlib's streaming `inflate`, so
/// loading a whole gzip file and decoding an HDF5 chunk use it. It reports only "bad data" without
/// a position, so on failure a gzip file is re-read with `GzipReader` (zlib) to name the precise
/// error and offset. One decompressor serves one thread at a time.
package final class DeflateDecompressor {
    private let decompressor: OpaquePointer
    /// FHCRC, in a gzip member's flags byte (its fourth): a CRC-32 of the header follows it.
    private static let headerCRCFlag: UInt8 = 0x02

    /// Allocates libdeflate's decompressor state.
    /// - Throws: `LoaderError` `.io` when libdeflate cannot allocate it.
    package init() throws {
        guard let decompressor = libdeflate_alloc_decompressor() else {
            throw LoaderError(.io, "libdeflate could not allocate a decompressor")
        }
        self.decompressor = decompressor
    }

    deinit {
        libdeflate_free_decompressor(decompressor)
    }

    /// Decompresses every gzip member of `input` back to back into `output`.
    /// - Returns: the number of bytes written when `input` is nothing but valid members (CRC-32 and
    ///   length checked) whose data fits in `output`; `nil` otherwise (corrupt or truncated data,
    ///   trailing bytes, or more data than `output` holds), and for a member with a header CRC-32
    ///   (flag FHCRC), which libdeflate skips unchecked: zlib, which checks it, reads those files.
    /// - Complexity: O(`input.count` + bytes written).
    func decompressGzipMembers(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int? {
        guard let inputBase = input.baseAddress, !input.isEmpty else { return nil }
        var consumed = 0
        var produced = 0
        while consumed < input.count {
            if input.count - consumed > 3, input[consumed + 3] & Self.headerCRCFlag != 0 { return nil }
            var memberIn = 0
            var memberOut = 0
            let result = libdeflate_gzip_decompress_ex(
                decompressor, inputBase + consumed, input.count - consumed,
                output.baseAddress.map { $0 + produced }, output.count - produced, &memberIn, &memberOut)
            guard result == LIBDEFLATE_SUCCESS, memberIn > 0 else { return nil }
            consumed += memberIn
            produced += memberOut
        }
        return produced
    }

    /// Why `decompressZlib` failed.
    package enum Failure: Error {
        /// The stream holds more data than `output` has room for.
        case insufficientSpace
        /// The stream is corrupt or ends early.
        case badData
    }

    /// Decompresses the zlib stream `input` (RFC 1950, as HDF5's deflate filter writes) into `output`.
    /// - Returns: the number of bytes written, or why it failed, for the caller to name the file
    ///   and place.
    package func decompressZlib(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Result<Int, Failure> {
        guard let inputBase = input.baseAddress else { return .failure(.badData) }
        var produced = 0
        switch libdeflate_zlib_decompress(decompressor, inputBase, input.count, output.baseAddress, output.count, &produced) {
        case LIBDEFLATE_SUCCESS: return .success(produced)
        case LIBDEFLATE_INSUFFICIENT_SPACE: return .failure(.insufficientSpace)
        default: return .failure(.badData)
        }
    }
}

/// A running CRC-32 (the checksum of gzip, zip and PNG), computed by libdeflate (several times
/// faster than zlib's): the checksum of the files SwiftLoaders writes and checks itself, such as
/// training checkpoints.
package struct CRC32: Sendable {
    /// The checksum of every byte given so far (0 for none).
    package private(set) var value: UInt32 = 0

    package init() {}

    /// Adds `bytes` to the checksum.
    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let start = bytes.baseAddress else { return }
        value = libdeflate_crc32(value, start, bytes.count)
    }

    /// The CRC-32 of `bytes`.
    package static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = CRC32()
        let array = Array(bytes)
        array.withUnsafeBytes { crc.update($0) }
        return crc.value
    }
}
