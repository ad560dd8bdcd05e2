import Loaders

/// One-shot decompression of an HDF5 deflate-filtered chunk (a zlib stream), run by worker
/// threads outside libhdf5's lock.
///
/// A chunk's decoded size is known in advance, which suits libdeflate's whole-buffer API
/// (`DeflateDecompressor`); it inflates 2-3 times faster than zlib's streaming `inflate`.
enum Inflate {
    /// Inflates the zlib stream `input` into at most `capacity` bytes.
    /// - Returns: the decompressed bytes.
    /// - Throws: `LoaderError.corrupt` when the stream is corrupt or incomplete or inflates to
    ///   more than `capacity` bytes; `describe` names the chunk in the message.
    static func zlib(_ input: UnsafeRawBufferPointer, capacity: Int, path: String, describe: @autoclosure () -> String) throws -> [UInt8] {
        let decompressor = try DeflateDecompressor()
        var result = Result<Int, DeflateDecompressor.Failure>.failure(.badData)
        let output = [UInt8](uninitializedCapacity: capacity) { buffer, initialized in
            result = decompressor.decompressZlib(input, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = (try? result.get()) ?? 0
        }
        switch result {
        case .success:
            return output
        case .failure(.insufficientSpace):
            throw LoaderError(.corrupt, "\(describe()): inflates to more than the \(capacity) bytes a chunk holds", path: path)
        case .failure(.badData):
            throw LoaderError(.corrupt, "\(describe()): corrupt or incomplete deflate stream", path: path)
        }
    }
}
