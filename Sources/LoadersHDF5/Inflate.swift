import CLibdeflate
import Loaders

/// One-shot decompression of an HDF5 deflate-filtered chunk (a zlib stream), run by worker
/// threads outside libhdf5's lock: the only file in this module that calls libdeflate.
///
/// A chunk's decoded size is known in advance, which suits libdeflate's whole-buffer API; it
/// inflates 2-3 times faster than zlib's streaming `inflate`.
enum Inflate {
    /// Inflates the zlib stream `input` into at most `capacity` bytes.
    /// - Returns: the decompressed bytes.
    /// - Throws: `LoaderError.corrupt` when the stream is corrupt or incomplete or inflates to
    ///   more than `capacity` bytes; `describe` names the chunk in the message.
    static func zlib(_ input: UnsafeRawBufferPointer, capacity: Int, path: String, describe: @autoclosure () -> String) throws -> [UInt8] {
        guard let decompressor = libdeflate_alloc_decompressor() else {
            throw LoaderError(.io, "libdeflate could not allocate a decompressor for \(describe())", path: path)
        }
        defer { libdeflate_free_decompressor(decompressor) }
        var produced = 0
        var status = LIBDEFLATE_BAD_DATA
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
            if let inputBase = input.baseAddress {
                status = libdeflate_zlib_decompress(decompressor, inputBase, input.count, buffer.baseAddress, capacity, &produced)
            }
            initialized = status == LIBDEFLATE_SUCCESS ? produced : 0
        }
        switch status {
        case LIBDEFLATE_SUCCESS:
            return output
        case LIBDEFLATE_INSUFFICIENT_SPACE:
            throw LoaderError(.corrupt, "\(describe()): inflates to more than the \(capacity) bytes a chunk holds", path: path)
        default:
            throw LoaderError(.corrupt, "\(describe()): corrupt or incomplete deflate stream", path: path)
        }
    }
}
