import Foundation
import Testing

/// The `loaders` tool run in a child process under lowered system limits, which a test cannot
/// lower for its own process without disturbing the tests running beside it.
@Suite struct ResourceLimitTests {
    /// The `loaders` executable, built beside the test bundle.
    static var loadersExecutable: String {
        let bundle = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: bundle).deletingLastPathComponent().appendingPathComponent("loaders").path
    }

    /// Runs `loaders arguments…` after the shell command `limit` (e.g. `ulimit -n 8`); returns how
    /// it ended, its exit status and its stderr.
    private func runLoaders(under limit: String, _ arguments: [String]) throws -> (Process.TerminationReason, Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // "$@" passes the tool and its arguments through the shell untouched.
        process.arguments = ["-c", "\(limit) && exec \"$@\"", "sh", Self.loadersExecutable] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        // A crash should end the child at once, as a signal the test reports, not start the backtracer.
        process.environment = ProcessInfo.processInfo.environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { $1 }
        try process.run()
        // A generous bound that turns a hang into a failure instead of a stuck test run.
        let deadline = ContinuousClock.now + .seconds(120)
        while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning {
            Issue.record("loaders \(arguments.joined(separator: " ")) did not finish under \(limit)")
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (process.terminationReason, process.terminationStatus, text)
    }

    /// With too few descriptors for the workers' shards, bench ends with status 1 and one line
    /// naming the file and the system's reason, instead of crashing or hanging.
    @Test(arguments: [8, 10, 12])
    func tooFewFileDescriptorsIsAClearErrorNamingTheFile(limit: Int) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.loadersExecutable))
        let images = InspectTests.fixture("mnist/t10k-images-idx3-ubyte.gz")
        let (reason, status, errors) = try runLoaders(
            under: "ulimit -n \(limit)", ["bench", "--train", images, "--streaming", "--shards", "8", "--workers", "4", "--epochs", "1"])
        #expect(reason == .exit)
        #expect(status == 1, "\(errors)")
        let line = #"^loaders bench: \S+/t10k-(images|labels)-idx[13]-ubyte\.gz: worker [0-3] failed opening shard [0-7] \(\S+: cannot open: Too many open files\)\n$"#
        #expect(errors.range(of: line, options: .regularExpression) != nil, "\(errors)")
    }

    /// The same run with the descriptors it needs succeeds, so the limit is what the test varies.
    @Test func theSameRunSucceedsWithEnoughDescriptors() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.loadersExecutable))
        let images = InspectTests.fixture("mnist/t10k-images-idx3-ubyte.gz")
        let (reason, status, errors) = try runLoaders(
            under: "ulimit -n 64", ["bench", "--train", images, "--streaming", "--shards", "8", "--workers", "4", "--epochs", "1"])
        #expect(reason == .exit)
        #expect(status == 0, "\(errors)")
    }
}
