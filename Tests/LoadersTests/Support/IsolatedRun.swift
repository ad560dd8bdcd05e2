import Foundation
import Testing

/// Runs one test alone in a child process of this test bundle, for measures of the whole process
/// (resident memory) that tests running beside it in parallel would disturb.
///
/// Call it first in the test: in the parent it runs the child, expects it to have run exactly
/// that test and passed, and returns `false`; in the child it returns `true` and the test goes on
/// to measure.
func runningAloneInChildProcess(_ testName: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
    let marker = "SWIFTLOADERS_ALONE"
    if ProcessInfo.processInfo.environment[marker] == testName { return true }
    let bundle = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: bundle)
    process.arguments = ["--testing-library", "swift-testing", "--filter", "\(testName)\\("]
    process.environment = ProcessInfo.processInfo.environment.merging([marker: testName]) { $1 }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    // A sanitizer's report in the child ends it with a status of its own, so both must hold.
    #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(text)", sourceLocation: sourceLocation)
    #expect(text.contains("Test run with 1 test in 1 suite passed"), "\(testName) did not pass alone: \(text)", sourceLocation: sourceLocation)
    return false
}
