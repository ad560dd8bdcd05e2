#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the fuzzers put their inputs: the readers take paths, so every input is written to a
/// file and read the way users read theirs.
///
/// One directory per process (in /dev/shm when there is one, so runs cost no disk writes), each
/// file overwritten by the next input and the directory removed when the process exits normally.
public enum FuzzFiles {
    private static let directory: String = {
        let base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp"
        var template = Array("\(base)/swiftloaders-fuzz-XXXXXX".utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            violation("cannot create a directory under \(base): \(String(cString: strerror(errno)))")
        }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        atexit { FuzzFiles.removeAll() }
        return path
    }()

    private static let names = ["input", "labels"]

    /// Writes `bytes` to the file `name` ("input" or "labels") of this process and returns its path.
    public static func save(_ bytes: [UInt8], as name: String) -> String {
        precondition(names.contains(name), "unknown fuzz file \(name)")
        let path = directory + "/" + name
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { violation("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { violation("cannot write \(path): \(String(cString: strerror(errno)))") }
            written += count
        }
        return path
    }

    private static func removeAll() {
        for name in names { unlink(directory + "/" + name) }
        rmdir(directory)
    }
}
