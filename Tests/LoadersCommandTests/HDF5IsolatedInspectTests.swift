#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ChildProcessSupport
import Foundation
import Testing
@testable import loaders

/// `loaders inspect` reads HDF5 files in a child process with a deadline: the tool run as users
/// run it, so that what reaches the terminal is what is checked.
@Suite struct HDF5IsolatedInspectTests {
    /// Runs `loaders arguments…`; returns how it ended, its stderr and its stdout.
    static func runLoaders(_ arguments: [String]) async throws -> (ending: SpawnedProcess.Ending, errors: String, output: String) {
        // A generous bound that turns a hang into a failure instead of a stuck test run.
        let child = try await ChildProcess.run(LoadersTool.executable, arguments, environment: LoadersTool.environment, deadline: .seconds(120))
        let ending: SpawnedProcess.Ending = child.timedOut ? .timedOut : child.reason == .exit ? .exited(child.status) : .signalled(child.status)
        return (ending, child.standardError, child.standardOutput)
    }

    /// h5py wrote Int64.max rows of never-written uint8 labels; summing them would never end.
    @Test func anOverrunEndsWithOneLineNamingTheFile() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let path = HDF5InspectTests.fixture("empty_rows.h5")
        let run = try await Self.runLoaders(["inspect", path, "--dataset", "/huge_labels", "--timeout", "1"])
        #expect(run.ending == .exited(1))
        #expect(run.errors == "loaders inspect: \(path): reading did not finish within 1 s (--timeout sets the limit)\n")
        #expect(run.output.isEmpty)
    }

    /// The child's output and exit status arrive unchanged.
    @Test func theChildsOutputAndStatusPassThrough() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let path = HDF5InspectTests.fixture("nested.h5")
        let listed = try await Self.runLoaders(["inspect", path, "--json"])
        #expect(listed.ending == .exited(0))
        #expect(listed.output.hasPrefix(#"{"format":"hdf5","datasets":[{"path":"/data/test/x","dtype":"float32","shape":[6,2,3,4]}"#))
        #expect(listed.output.hasSuffix("]}\n") && listed.errors.isEmpty)
        let missing = try await Self.runLoaders(["inspect", path, "--dataset", "/nope"])
        #expect(missing.ending == .exited(1))
        #expect(missing.errors.hasPrefix("loaders inspect: \(path): dataset /nope: cannot open dataset"))
        #expect(missing.errors.filter { $0 == "\n" }.count == 1)
    }

    /// A child gets its standard streams and nothing else the parent holds: libhdf5 opens files
    /// without close-on-exec and locks them, so an inherited descriptor would keep a file that
    /// another thread had just written locked against reading for as long as the child ran.
    @Test func aChildInheritsOnlyItsStandardStreams() throws {
        let opened = open("/dev/null", O_RDONLY)
        try #require(opened >= 0)
        defer { close(opened) }
        let held = fcntl(opened, F_DUPFD, 100)
        try #require(held >= 100)
        defer { close(held) }
        let child = try SpawnedProcess.run("/bin/sh", ["-c", "ls /proc/$$/fd"], environment: [:], seconds: 60, file: "/bin/sh")
        #expect(child.ending == .exited(0))
        #expect(String(decoding: child.output, as: UTF8.self).split(separator: "\n").sorted() == ["0", "1", "2"])
    }

    /// A deadline must be a number of seconds a clock can count to.
    @Test(arguments: ["0", "-1", "nan", "inf", "1e10"])
    func timeoutMustBePositiveAndFinite(value: String) throws {
        #expect(throws: (any Error).self) { try InspectCommand.parse(["file.h5", "--timeout", value]) }
        #expect(try InspectCommand.parse(["file.h5", "--timeout", "2.5"]).timeout == 2.5)
    }

    /// The file whose damaged group made libhdf5 abort the process now ends in one line.
    @Test func aDamagedDenseGroupIsOneLine() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let path = HDF5InspectTests.fixture("damaged_link_heap.h5")
        let run = try await Self.runLoaders(["inspect", path])
        #expect(run.ending == .exited(1))
        #expect(run.errors.hasPrefix("loaders inspect: \(path): dataset /: cannot list group: wrong fractal heap header signature"))
    }
}
