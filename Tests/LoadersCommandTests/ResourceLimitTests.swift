import ChildProcessSupport
import Foundation
import Testing

/// The `loaders` tool run in a child process under lowered system limits, which a test cannot
/// lower for its own process without disturbing the tests running beside it.
@Suite struct ResourceLimitTests {
    /// Runs `loaders arguments…` after the shell command `limit` (e.g. `ulimit -n 8`); returns how
    /// it ended, its exit status and its stderr.
    private func runLoaders(under limit: String, _ arguments: [String]) async throws -> (Process.TerminationReason, Int32, String) {
        var environment = LoadersTool.environment
        // LeakSanitizer, in a tool built with AddressSanitizer, needs descriptors of its own at
        // exit to read /proc, which the lowered limit denies; elsewhere the variable is ignored.
        environment["ASAN_OPTIONS", default: ""] += ":detect_leaks=0"
        // "$@" passes the tool and its arguments through the shell untouched. A generous deadline
        // turns a hang into a failure instead of a stuck test run.
        let outcome = try await ChildProcess.run(
            "/bin/sh", ["-c", "\(limit) && exec \"$@\"", "sh", LoadersTool.executable] + arguments,
            environment: environment, deadline: .seconds(120))
        #expect(!outcome.timedOut, "loaders \(arguments.joined(separator: " ")) did not finish under \(limit)")
        return (outcome.reason, outcome.status, outcome.standardError)
    }

    /// With too few descriptors for the workers' shards, bench ends with status 1 and one line
    /// naming the file and the system's reason, instead of crashing or hanging.
    @Test(arguments: [8, 10, 12])
    func tooFewFileDescriptorsIsAClearErrorNamingTheFile(limit: Int) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let images = InspectTests.fixture("mnist/t10k-images-idx3-ubyte.gz")
        let (reason, status, errors) = try await runLoaders(
            under: "ulimit -n \(limit)", ["bench", "--train", images, "--streaming", "--shards", "8", "--workers", "4", "--epochs", "1"])
        #expect(reason == .exit)
        #expect(status == 1, "\(errors)")
        let line = #"^loaders bench: \S+/t10k-(images|labels)-idx[13]-ubyte\.gz: worker [0-3] failed opening shard [0-7] \(cannot open: Too many open files\)\n$"#
        #expect(errors.range(of: line, options: .regularExpression) != nil, "\(errors)")
    }

    /// The same run with the descriptors it needs succeeds, so the limit is what the test varies.
    @Test func theSameRunSucceedsWithEnoughDescriptors() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let images = InspectTests.fixture("mnist/t10k-images-idx3-ubyte.gz")
        let (reason, status, errors) = try await runLoaders(
            under: "ulimit -n 64", ["bench", "--train", images, "--streaming", "--shards", "8", "--workers", "4", "--epochs", "1"])
        #expect(reason == .exit)
        #expect(status == 0, "\(errors)")
    }
}
