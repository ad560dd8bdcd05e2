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
    /// Which file this is: two paths name the same file exactly when their identities agree.
    package let identity: Identity
    private let descriptor: Int32

    /// A file's device and inode numbers.
    package struct Identity: Hashable, Sendable {
        var device: UInt64
        var inode: UInt64
    }

    /// Opens `path` for reading.
    /// - Throws: `LoaderError` `.io` naming the file when it cannot be opened or is not a regular file
    ///   (a directory, a pipe, a device).
    package init(path: String) throws {
        self.path = path
        // Non-blocking, so that opening a named pipe cannot wait forever for a writer; only regular
        // files are read (below), where the flag changes nothing.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            let code = errno
            let reason = Self.errorText()
            if code == ENOENT, Self.entryExists(path) {
                throw LoaderError(.io, "cannot open: it is a symbolic link to a missing file (\(reason))", path: path)
            }
            throw LoaderError(.io, "cannot open: \(reason)", path: path)
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
        self.identity = Identity(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }

    /// Opens the first of `candidates` that can be opened.
    ///
    /// A candidate that exists but cannot be opened (a directory, a symbolic link loop, no
    /// permission) is passed over for the next, and its error is the one thrown when no candidate
    /// opens: the system's reason for the file that is there says more than "not found".
    /// - Returns: the open file, or nil when no candidate exists at all.
    /// - Throws: `LoaderError` `.io` from opening the first candidate that exists, when none opens.
    package static func openFirst(of candidates: [String]) throws -> ReadOnlyFile? {
        var firstFailure: (any Error)?
        for candidate in candidates {
            do {
                return try ReadOnlyFile(path: candidate)
            } catch {
                if firstFailure == nil, entryExists(candidate) { firstFailure = error }
            }
        }
        if let firstFailure { throw firstFailure }
        return nil
    }

    /// Checks that `path` is a folder, so that files missing from it are told apart from a folder
    /// that is missing.
    /// - Throws: `LoaderError` `.io` naming the folder with the system's reason, or saying that it
    ///   is not a folder.
    package static func checkFolder(_ path: String) throws {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw LoaderError(.io, "cannot open the folder: \(errorText())", path: path)
        }
        guard (status.st_mode & S_IFMT) == S_IFDIR else {
            throw LoaderError(.io, "is not a folder", path: path)
        }
    }

    /// Whether `path` names a directory entry, even one that cannot be opened (a dangling
    /// symbolic link) or examined (a folder that cannot be searched).
    package static func entryExists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0 || (errno != ENOENT && errno != ENOTDIR)
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

    /// Reads up to `buffer.count` bytes from `offset` of the file as it was opened: never past
    /// `size`, and an error when the file has since changed size.
    ///
    /// Readers that go front to back (gzip, IDX) read the file as it was opened: a file that grows
    /// or shrinks meanwhile would otherwise end early or late, with errors placed past its end.
    /// - Returns: the number of bytes read: `min(buffer.count, size - offset)`.
    /// - Throws: `LoaderError` `.fileChanged` naming both sizes, when a read comes up short of
    ///   `size` or reaches it and the file is no longer `size` bytes; `.io` on a read error.
    package func readAsOpened(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws -> Int {
        let wanted = min(buffer.count, max(0, size - offset))
        let count = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<wanted]), at: offset)
        if count < wanted || offset + count == size { try checkUnchanged(readingAt: offset + count) }
        return count
    }

    /// Checks that the file still has the size it had when opened.
    /// - Parameter offset: where reading had got to, for the error's location.
    /// - Throws: `LoaderError` `.fileChanged` naming both sizes, at `offset` or the file's new end,
    ///   whichever comes first.
    package func checkUnchanged(readingAt offset: Int) throws {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw LoaderError(.io, "cannot stat: \(Self.errorText())", path: path, location: .byteOffset(offset))
        }
        let now = Int(status.st_size)
        guard now != size else { return }
        throw LoaderError(
            .fileChanged, "the file changed while it was read: \(size) bytes when opened, \(now) bytes now (offset in the file)",
            path: path, location: .byteOffset(min(offset, now)))
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

extension LoaderError {
    /// Runs `body`, giving a `LoaderError` it throws without a file (from zlib or libdeflate
    /// setting up) the file it was working for.
    static func naming<Result>(_ path: String, _ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch var error as LoaderError where error.path == nil {
            error.path = path
            throw error
        }
    }
}

extension LoaderError.Code {
    /// The file grew or shrank while it was read.
    public static let fileChanged = Self("fileChanged")
}

extension ReadOnlyFile {
    /// The number of processors online, at least 1: the default width of parallel reads.
    package static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
