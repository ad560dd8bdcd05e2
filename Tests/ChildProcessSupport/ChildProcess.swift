import Dispatch
import Foundation
import Synchronization

/// A program run to its end in a child process, for tests that need a process of their own.
///
/// The wait suspends instead of blocking: Swift Testing runs the tests in parallel on the
/// cooperative pool, whose few threads (one per core) the tests beside this one need, and a test
/// blocked on a child for seconds would delay every timing-sensitive test running with it.
public enum ChildProcess {
    /// How the child ended, and what it wrote.
    public struct Outcome: Sendable {
        public let reason: Process.TerminationReason
        public let status: Int32
        /// Whether the child was still running at the deadline and was killed.
        public let timedOut: Bool
        public let standardOutput: String
        public let standardError: String
    }

    /// Runs `executable` with `arguments` and `environment`, killing it with `SIGKILL` if it is
    /// still running after `deadline`, or as soon as `killWhen` (asked every 2 ms) says so, and
    /// returns once it has ended.
    /// - Throws: when the child cannot be started or its output not captured.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String], deadline: Duration,
        killWhen: (@Sendable () -> Bool)? = nil
    ) async throws -> Outcome {
        // Output goes to files rather than pipes, so a chatty child never blocks on a full pipe
        // while nobody reads it.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outputURL = directory.appendingPathComponent("stdout"), errorURL = directory.appendingPathComponent("stderr")
        for url in [outputURL, errorURL] where !FileManager.default.createFile(atPath: url.path, contents: nil) {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        let output = try FileHandle(forWritingTo: outputURL), errors = try FileHandle(forWritingTo: errorURL)
        defer { try? output.close(); try? errors.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = output
        process.standardError = errors
        let killed = Flag(), ended = Flag()
        let (reason, status) = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { process in
                ended.set()
                continuation.resume(returning: (process.terminationReason, process.terminationStatus))
            }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
                return
            }
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(deadline / .milliseconds(1)))) {
                guard !ended.isSet else { return }
                killed.set()
                kill(pid, SIGKILL)
            }
            if let killWhen { watch(pid, ended: ended, killed: killed, killWhen) }
        }
        return Outcome(
            reason: reason, status: status, timedOut: killed.isSet,
            standardOutput: try contents(of: outputURL), standardError: try contents(of: errorURL))
    }

    /// Asks `condition` every 2 ms while the child runs, and kills it once the answer is yes.
    private static func watch(_ pid: Int32, ended: Flag, killed: Flag, _ condition: @escaping @Sendable () -> Bool) {
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(2)) {
            guard !ended.isSet, !killed.isSet else { return }
            guard condition() else { return watch(pid, ended: ended, killed: killed, condition) }
            killed.set()
            kill(pid, SIGKILL)
        }
    }

    /// The file's text. Read through a `FileHandle`: `Data(contentsOf:)` leaks a 4 KiB buffer for
    /// every empty file (FoundationEssentials in Swift 6.3.1), which LeakSanitizer reports.
    private static func contents(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        return String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
    }

    /// A flag set once, shared by the termination handler and the deadline.
    private final class Flag: Sendable {
        private let value = Atomic<Bool>(false)
        func set() { value.store(true, ordering: .sequentiallyConsistent) }
        var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
    }
}
