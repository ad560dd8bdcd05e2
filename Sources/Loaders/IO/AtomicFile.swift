#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes files so that a crash at any moment leaves the old file or the new one, never a torn one.
///
/// The new content goes to a temporary file beside the target (`.NAME.<random>.tmp`, created
/// exclusively), is flushed to disk with `fsync`, renamed over the target, and the folder is
/// flushed so that the rename itself survives a power cut. Any failure removes the temporary file.
///
/// ```swift
/// try AtomicFile.write(Array("hello\n".utf8), to: "greeting.txt")
/// try AtomicFile.write(to: "big.csv") { output in
///     for line in lines { try output.write(Array(line.utf8)) }
/// }
/// try AtomicFile.write(to: "data.h5", usingTemporaryPath: { temporary in try makeFile(at: temporary) })
/// ```
public enum AtomicFile {
    /// The open temporary file that a `write(to:_:)` body fills.
    public struct Output {
        /// The file being replaced, as errors name it.
        public let path: String
        let temporaryPath: String
        let descriptor: Int32

        /// Appends `bytes`, retrying interrupted and partial writes.
        /// - Throws: `LoaderError(.io)` naming the target and the system's reason.
        public func write(_ bytes: UnsafeRawBufferPointer) throws {
            var written = 0
            while written < bytes.count {
                let count = systemWrite(descriptor, bytes.baseAddress! + written, bytes.count - written)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { throw AtomicFile.failure("writing", temporaryPath, path: path) }
                written += count
            }
        }

        /// Appends `bytes`.
        public func write(_ bytes: some ContiguousBytes) throws {
            try bytes.withUnsafeBytes { try write($0) }
        }
    }

    /// Replaces the file at `path` with `bytes`.
    /// - Throws: `LoaderError(.io)` naming `path`, the step that failed and the system's reason.
    public static func write(_ bytes: some ContiguousBytes, to path: String) throws {
        try write(to: path) { try $0.write(bytes) }
    }

    /// Replaces the file at `path` with what `body` writes, in as many pieces as it likes.
    /// - Returns: what `body` returns.
    /// - Throws: `LoaderError(.io)` as `write(_:to:)` does, or whatever `body` throws (the old
    ///   file then stays as it was).
    @discardableResult
    public static func write<Result>(to path: String, _ body: (Output) throws -> Result) throws -> Result {
        let temporary = try createTemporary(for: path)
        return try finish(path, temporary: temporary.path) {
            let output = Output(path: path, temporaryPath: temporary.path, descriptor: temporary.descriptor)
            defer { close(temporary.descriptor) }
            return try body(output)
        }
    }

    /// Replaces the file at `path` with the file `body` makes at the temporary path it is given,
    /// for writers that open files themselves (libhdf5). The temporary file exists and is empty
    /// when `body` starts; `body` must have closed it when it returns.
    /// - Returns: what `body` returns.
    /// - Throws: `LoaderError(.io)` as `write(_:to:)` does, or whatever `body` throws.
    @discardableResult
    public static func write<Result>(to path: String, usingTemporaryPath body: (String) throws -> Result) throws -> Result {
        let temporary = try createTemporary(for: path)
        close(temporary.descriptor)
        return try finish(path, temporary: temporary.path) { try body(temporary.path) }
    }

    /// The folder `path` is in, as `open` takes it.
    static func folder(of path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        return folder.isEmpty ? "." : folder
    }

    /// The name of the file that `name` (no folder) was to replace, when it is one of this
    /// type's temporary files, which a killed writer leaves behind.
    package static func target(ofTemporaryNamed name: String) -> String? {
        guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return nil }
        let middle = name.dropFirst().dropLast(".tmp".count)
        guard let dot = middle.lastIndex(of: "."), dot > middle.startIndex else { return nil }
        return String(middle[..<dot])
    }

    private static func createTemporary(for path: String) throws -> (path: String, descriptor: Int32) {
        let folder = folder(of: path)
        let name = (path as NSString).lastPathComponent
        var random = SystemRandomNumberGenerator()
        let suffix = String(random.next() as UInt64, radix: 16)
        let temporary = (folder as NSString).appendingPathComponent(".\(name).\(suffix).tmp")
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw failure("creating", temporary, path: path) }
        return (temporary, descriptor)
    }

    /// Runs `fill`, then syncs the temporary file, renames it over `path` and syncs the folder;
    /// removes the temporary file when any of it fails.
    private static func finish<Result>(_ path: String, temporary: String, _ fill: () throws -> Result) throws -> Result {
        var renamed = false
        defer { if !renamed { unlink(temporary) } }
        let result = try fill()
        // On disk before the rename, so that the name never points at a file still being written.
        let descriptor = open(temporary, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("reopening", temporary, path: path) }
        guard fsync(descriptor) == 0 else {
            let error = failure("syncing", temporary, path: path)
            close(descriptor)
            throw error
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else { throw failure("renaming", temporary, path: path) }
        renamed = true
        let folder = folder(of: path)
        let folderDescriptor = open(folder, O_RDONLY | O_CLOEXEC | O_DIRECTORY)
        guard folderDescriptor >= 0 else { throw failure("opening the folder", folder, path: path) }
        defer { close(folderDescriptor) }
        guard fsync(folderDescriptor) == 0 else { throw failure("syncing the folder", folder, path: path) }
        return result
    }

    static func failure(_ step: String, _ subject: String, path: String) -> LoaderError {
        LoaderError(.io, "cannot write: \(step) \(subject) failed: \(String(cString: strerror(errno)))", path: path)
    }
}

/// The system's write(2), which `AtomicFile.Output.write` hides.
private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
#if canImport(Darwin)
    Darwin.write(descriptor, buffer, count)
#elseif canImport(Musl)
    Musl.write(descriptor, buffer, count)
#else
    Glibc.write(descriptor, buffer, count)
#endif
}
