#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened for reading by its descriptor: the one place the loaders call the system's
/// file API, turning `errno` into `LoaderError`s that name the file.
///
/// Reads go straight into the caller's buffer, so a whole payload can land in its final home
/// without intermediate copies. Positioned reads (`pread`) share no file offset, so any number of
/// threads may read through one of these at once.
package final class ReadOnlyFile: Sendable {
    /// The path the file was opened with, as errors name it.
    package let path: String
    /// The file's size in bytes when it was opened.
    package let size: Int
    private let descriptor: Int32

    /// Opens `path` for reading.
    /// - Throws: `LoaderError` `.io` naming the file when it cannot be opened or is not a regular file
    ///   (a directory, a pipe, a device).
    package init(path: String) throws {
        self.path = path
        // Non-blocking, so that opening a named pipe cannot wait forever for a writer; only regular
        // files are read (below), where the flag changes nothing.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw LoaderError(.io, "cannot open: \(Self.errorText())", path: path)
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let text = Self.errorText()
            close(descriptor)
            throw LoaderError(.io, "cannot stat: \(text)", path: path)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            let kind = (status.st_mode & S_IFMT) == S_IFDIR ? "a directory" : "not a regular file"
            throw LoaderError(.io, "is \(kind)", path: path)
        }
        self.descriptor = descriptor
        self.size = Int(status.st_size)
    }

    deinit {
        close(descriptor)
    }

    /// Reads up to `buffer.count` bytes starting at byte `offset`; fewer only at the end of the file.
    /// - Returns: the number of bytes read, 0 at the end of the file.
    /// - Throws: `LoaderError` `.io` naming the file and offset.
    package func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Int {
        var total = 0
        while total < buffer.count {
            let count = pread(descriptor, buffer.baseAddress! + total, buffer.count - total, off_t(offset + total))
            if count < 0 {
                if errno == EINTR { continue }
                throw LoaderError(.io, "cannot read: \(Self.errorText())", path: path, location: .byteOffset(offset + total))
            }
            if count == 0 { break }
            total += count
        }
        return total
    }

    /// Fills `buffer` with the bytes starting at byte `offset`.
    /// - Throws: `LoaderError` `.truncated` at the first missing byte when the file ends early,
    ///   `.io` on a read error.
    package func readExactly(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws {
        let count = try read(into: buffer, at: offset)
        guard count == buffer.count else {
            throw LoaderError(
                .truncated, "file ends before the \(buffer.count) bytes stored here", path: path,
                location: .byteOffset(offset + count))
        }
    }

    private static func errorText() -> String {
        String(cString: strerror(errno))
    }
}

extension ReadOnlyFile {
    /// The number of processors online, at least 1: the default width of parallel reads.
    package static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
