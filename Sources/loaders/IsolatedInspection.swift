#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Loaders

/// Runs `loaders inspect` on an HDF5 file in a child process with a deadline.
///
/// libhdf5 trusts much of a file's metadata and can crash or work without end on a damaged file
/// (a tiny file may claim 2^63 never-written elements); inside one process neither can be caught.
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
        // A crash ends the child at once, as a signal, instead of starting Swift's backtracer.
        let environment = ProcessInfo.processInfo.environment.merging([childMarker: "1", "SWIFT_BACKTRACE": "enable=no"]) { $1 }
        let child = try SpawnedProcess.run(executable, arguments, environment: environment, seconds: seconds, file: file)
        FileHandle.standardOutput.write(child.output)
        switch child.ending {
        case .timedOut:
            throw LoaderError(.timedOut, "reading did not finish within \(seconds.formatted()) s (--timeout sets the limit)", path: file)
        case .signalled(let signal):
            throw crashError(signal: signal, errors: child.errors, file: file)
        case .exited(let status):
            FileHandle.standardError.write(child.errors)
            return status
        }
    }

    /// The error for a child that ended on `signal`: the Swift runtime's own reason when it
    /// printed one (a failed allocation or precondition is not libhdf5's crash), else libhdf5's.
    static func crashError(signal: Int32, errors: Data, file: String) -> LoaderError {
        let reasons = ["Fatal error", "Precondition failed", "Assertion failed"]
        let text = String(decoding: errors, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { line in reasons.contains { line.contains($0) } }) else {
            return LoaderError(.malformed, "libhdf5 crashed (\(signalName(signal))) reading the file", path: file)
        }
        let code: LoaderError.Code = line.contains("failed to allocate") ? .resourceExhausted : .malformed
        return LoaderError(code, "the inspecting process stopped (\(signalName(signal))) reading the file: \(line)", path: file)
    }

    private static func signalName(_ signal: Int32) -> String {
        let names: [Int32: String] = [SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT", SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGILL: "SIGILL", SIGTRAP: "SIGTRAP"]
        return names[signal] ?? "signal \(signal)"
    }
}
