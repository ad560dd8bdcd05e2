import CLibdeflate

/// Whole-buffer gzip decompression with libdeflate: the only place in SwiftLoaders that calls it.
///
/// libdeflate inflates an in-memory member 2-3 times faster than zlib's streaming `inflate`, so
/// loading a whole file uses it; it reports only "bad data" without a position, so on failure the
/// caller re-reads the file with `GzipReader` (zlib) to name the precise error and offset.
final class WholeGzipDecompressor {
    private let decompressor: OpaquePointer

    /// Allocates libdeflate's decompressor state.
    /// - Throws: `LoaderError` `.io` when libdeflate cannot allocate it.
    init() throws {
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
    ///   trailing bytes, or more data than `output` holds).
    /// - Complexity: O(`input.count` + bytes written).
    func decompressMembers(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int? {
        guard let inputBase = input.baseAddress, !input.isEmpty else { return nil }
        var consumed = 0
        var produced = 0
        while consumed < input.count {
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
}
