import ChildProcessSupport
import Foundation
import Testing

/// Runs one test alone in a child process of this test bundle, for measures of the whole process
/// (resident memory) that tests running beside it in parallel would disturb.
///
/// Call it first in the test: in the parent it runs the child, expects it to have run exactly
/// that test and passed, and returns `false`; in the child it returns `true` and the test goes on
/// to measure.
func runningAloneInChildProcess(_ testName: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Bool {
    let marker = "SWIFTLOADERS_ALONE"
    if ProcessInfo.processInfo.environment[marker] == testName { return true }
    var environment = ProcessInfo.processInfo.environment
    environment[marker] = testName
    // Under AddressSanitizer freed memory waits in a quarantine of up to 256 MB before reuse,
    // which a resident-memory measure would read as growth; without it the child keeps only
    // what the code keeps. Elsewhere the variable is ignored.
    environment["ASAN_OPTIONS", default: ""] += ":quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
    let outcome = try await ChildProcess.run(
        FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"),
        ["--testing-library", "swift-testing", "--filter", "\(testName)\\("],
        environment: environment, deadline: .seconds(600))
    let text = outcome.standardOutput + outcome.standardError
    // A sanitizer's report in the child ends it with a status of its own, so both must hold.
    #expect(outcome.reason == .exit && outcome.status == 0, "\(text)", sourceLocation: sourceLocation)
    #expect(text.contains("Test run with 1 test in 1 suite passed"), "\(testName) did not pass alone: \(text)",
            sourceLocation: sourceLocation)
    return false
}
