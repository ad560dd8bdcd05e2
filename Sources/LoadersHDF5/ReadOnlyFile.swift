#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Loaders

/// A file descriptor opened read-only for positioned reads, closed on deinit.
///
/// `pread` neither moves a shared offset nor takes libhdf5's lock, so any number of threads read
/// raw dataset bytes through one of these at once.
final class ReadOnlyFile: Sendable {
    let path: String
    private let descriptor: Int32

    /// Opens `path`.
    /// - Throws: `LoaderError.io` naming the file and the system's reason when it cannot be opened
    ///   or is not a regular file.
    init(path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw LoaderError(.io, "cannot open: \(String(cString: strerror(errno)))", path: path)
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw LoaderError(.io, "not a regular file", path: path)
        }
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Fills `buffer` with the bytes starting at `offset`.
    /// - Throws: `LoaderError.truncated` at the first missing byte when the file ends early,
    ///   `LoaderError.io` on a read error.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < buffer.count {
            let result = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
            if result < 0 {
                if errno == EINTR { continue }
                throw LoaderError(.io, "read failed: \(String(cString: strerror(errno)))", path: path, location: .byteOffset(offset + done))
            }
            if result == 0 {
                throw LoaderError(.truncated, "file ends before the \(buffer.count) bytes stored here", path: path, location: .byteOffset(offset + done))
            }
            done += result
        }
    }
}
