#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Loaders

/// Runs `loaders inspect` on an HDF5 file in a child process with a deadline.
///
/// libhdf5 trusts much of a file's metadata and can crash (heap corruption in its link and heap
/// decoders) or work without end on a damaged file; inside one process neither can be caught.
/// The child is this same tool, told by `childMarker` to inspect in-process; what it prints is
/// passed on unchanged, and a crash or an overrun becomes one line naming the file.
enum IsolatedInspection {
    /// Set in the child's environment: inspect here, without another child.
    static let childMarker = "LOADERS_INSPECT_CHILD"

    static var isChild: Bool { ProcessInfo.processInfo.environment[childMarker] != nil }

    /// Runs this executable with `arguments` in a child, relays its output, and ends it after
    /// `seconds`.
    /// - Returns: the child's exit status (it has printed its own error line when not 0).
    /// - Throws: `LoaderError` naming `file` when the child crashed, did not finish in time, or
    ///   could not be started.
    static func run(_ arguments: [String], file: String, seconds: Double) throws -> Int32 {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = arguments
        // A crash ends the child at once, as a signal, instead of starting Swift's backtracer.
        child.environment = ProcessInfo.processInfo.environment.merging([childMarker: "1", "SWIFT_BACKTRACE": "enable=no"]) { $1 }
        let output = Pipe()
        let errors = Pipe()
        child.standardOutput = output
        child.standardError = errors
        child.standardInput = FileHandle.nullDevice
        let ended = DispatchSemaphore(value: 0)
        child.terminationHandler = { _ in ended.signal() }
        do {
            try child.run()
        } catch {
            throw LoaderError(.io, "cannot start a process to read the file: \(error)", path: file)
        }
        // Drained while the child runs, so a long listing cannot fill a pipe and stall it.
        let printed = Drained(output), complained = Drained(errors)
        let finished = ended.wait(timeout: .now() + seconds) == .success
        if !finished {
            kill(child.processIdentifier, SIGKILL)
            ended.wait()
        }
        FileHandle.standardOutput.write(printed.data())
        guard finished else {
            throw LoaderError(.timedOut, "reading did not finish within \(seconds.formatted()) s (--timeout sets the limit)", path: file)
        }
        if child.terminationReason == .uncaughtSignal {
            throw LoaderError(.malformed, "libhdf5 crashed (\(signalName(child.terminationStatus))) reading the file", path: file)
        }
        FileHandle.standardError.write(complained.data())
        return child.terminationStatus
    }

    private static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP"]
        return names[signal] ?? "signal \(signal)"
    }

    /// Everything a pipe delivers, read on a thread of its own.
    private final class Drained: @unchecked Sendable {
        private var bytes = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ pipe: Pipe) {
            let handle = pipe.fileHandleForReading
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
