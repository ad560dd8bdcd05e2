#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Loaders

/// A program run to its end (or to a deadline) in a child process, with what it printed.
///
/// Started with `posix_spawn`, not Foundation's `Process`, which keeps state past the child's end
/// that a short-lived tool exits with (LeakSanitizer reports it).
struct SpawnedProcess {
    /// How the child ended.
    enum Ending: Equatable {
        case exited(Int32)
        case signalled(Int32)
        /// Still running at the deadline, and killed.
        case timedOut
    }

    var ending: Ending
    var output: Data
    var errors: Data

    /// Runs `executable` with `arguments` and `environment` (and nothing on standard input), ended
    /// with SIGKILL after `seconds`.
    /// - Throws: `LoaderError` `.io` naming `file` when no child can be started.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String], seconds: Double, file: String) throws -> SpawnedProcess {
        var outputPipe: [Int32] = [-1, -1], errorPipe: [Int32] = [-1, -1]
        guard pipe(&outputPipe) == 0 else { throw failure(errno, file) }
        guard pipe(&errorPipe) == 0 else {
            let code = errno
            outputPipe.forEach { close($0) }
            throw failure(code, file)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = spawnClosingInherited(&pid, executable, &actions, argv, envp)
        close(outputPipe[1])
        close(errorPipe[1])
        // Drained while the child runs, so that a long output cannot fill a pipe and stall it.
        let output = Drained(outputPipe[0]), errors = Drained(errorPipe[0])
        guard spawned == 0 else { throw failure(spawned, file) }
        var status: Int32 = 0
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        var ending: Ending?
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                ending = .timedOut
                break
            }
            usleep(5_000)
        }
        // The wait status (POSIX's macros do not reach Swift): the low 7 bits are the signal that
        // ended the child, 0 for an exit, whose status is the next 8 bits.
        let signal = status & 0x7F
        return SpawnedProcess(
            ending: ending ?? (signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)),
            output: output.data(), errors: errors.data())
    }

    /// `posix_spawn` with nothing else the parent holds open reaching the child: not another
    /// thread's pipes, nor its open files, whose locks (libhdf5 flocks what it opens) the child
    /// would go on holding.
    private static func spawnClosingInherited(
        _ pid: inout pid_t, _ executable: String, _ actions: inout posix_spawn_file_actions_t,
        _ argv: [UnsafeMutablePointer<CChar>?], _ envp: [UnsafeMutablePointer<CChar>?]
    ) -> Int32 {
        #if canImport(Darwin)
        var attributes: posix_spawnattr_t? = nil
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_CLOEXEC_DEFAULT))
        return posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        #else
        // glibc 2.34's posix_spawn_file_actions_addclosefrom_np is declared only for _GNU_SOURCE,
        // which Swift's Glibc module leaves out, so it is looked up.
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "posix_spawn_file_actions_addclosefrom_np") else { return ENOSYS }
        let added = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        guard added == 0 else { return added }
        return posix_spawn(&pid, executable, &actions, nil, argv, envp)
        #endif
    }

    private static func failure(_ code: Int32, _ file: String) -> LoaderError {
        LoaderError(.io, "cannot start a process to read the file: \(String(cString: strerror(code)))", path: file)
    }

    /// Everything read from a descriptor until its end, on a thread of its own; `data()` hands it
    /// over once that thread is done, so the two never touch it at once.
    private final class Drained: @unchecked Sendable {
        private var bytes = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ descriptor: Int32) {
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            DispatchQueue.global().async {
                self.bytes = handle.readDataToEndOfFile()
                self.done.signal()
            }
        }

        /// The bytes, once the writer has closed its end (or died).
        func data() -> Data {
            done.wait()
            return bytes
        }
    }
}
