import CZlib
import Loaders

/// One-shot zlib decompression of an HDF5 deflate-filtered chunk, run by worker threads outside
/// libhdf5's lock. The only importer of CZlib in this module.
enum Inflate {
    /// Inflates the zlib stream `input` into at most `capacity` bytes.
    /// - Returns: the decompressed bytes.
    /// - Throws: `LoaderError.malformed` when the stream is corrupt, incomplete, or inflates to
    ///   more than `capacity` bytes; `describe` names the chunk in the message.
    static func zlib(_ input: UnsafeRawBufferPointer, capacity: Int, path: String, describe: @autoclosure () -> String) throws -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        defer { stream.deallocate() }
        stream.initialize(to: z_stream())
        guard czlib_inflateInit2(stream, 15) == Z_OK else {
            throw LoaderError(.io, "cannot start zlib for \(describe())", path: path)
        }
        defer { inflateEnd(stream) }
        // One spare byte tells "exactly full" from "would overflow".
        var output = [UInt8](repeating: 0, count: capacity + 1)
        let status: Int32 = output.withUnsafeMutableBytes { out in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(input.count)
            stream.pointee.next_out = out.baseAddress?.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(out.count)
            return inflate(stream, Z_FINISH)
        }
        let produced = Int(stream.pointee.total_out)
        guard status == Z_STREAM_END, produced <= capacity else {
            let reason = produced > capacity ? "inflates to more than the \(capacity) bytes a chunk holds"
                : status == Z_BUF_ERROR ? "deflate stream ends early"
                : "corrupt deflate stream (zlib \(status))"
            throw LoaderError(.malformed, "\(describe()): \(reason)", path: path)
        }
        output.removeLast(output.count - produced)
        return output
    }
}
