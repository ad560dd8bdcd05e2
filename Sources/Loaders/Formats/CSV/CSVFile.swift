#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened for reading at any offset, from any thread: the only place the CSV reader calls
/// the C library (open, fstat, pread, close, memchr).
///
/// `pread` takes the offset with each call, so one descriptor serves concurrent readers.
final class CSVFile: Sendable {
    let path: String
    let size: Int
    private let descriptor: Int32

    /// Opens `path` for reading.
    /// - Throws: `LoaderError` `.io` naming the path and the system's reason.
    init(path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw LoaderError(.io, "cannot open for reading: \(Self.reason(errno))", path: path)
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw LoaderError(.io, "cannot read the file's size: \(Self.reason(code))", path: path)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw LoaderError(.io, "not a regular file", path: path)
        }
        self.path = path
        self.size = Int(status.st_size)
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Reads up to `buffer.count` bytes at `offset`, fewer only at the end of the file.
    /// - Returns: the number of bytes read.
    /// - Throws: `LoaderError` `.io` with the byte offset.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Int {
        var total = 0
        while total < buffer.count {
            let count = pread(descriptor, buffer.baseAddress! + total, buffer.count - total, off_t(offset + total))
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw LoaderError(.io, "read failed: \(Self.reason(errno))", path: path, location: .byteOffset(offset + total))
            }
            total += count
        }
        return total
    }

    /// The first `byte` in `[start, end)`, or nil.
    static func find(_ byte: UInt8, from start: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
        guard start < end, let found = memchr(start, Int32(byte), end - start) else { return nil }
        return UnsafePointer(found.assumingMemoryBound(to: UInt8.self))
    }

    /// The number of processors online, at least 1.
    static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    private static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
