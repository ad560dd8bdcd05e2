import Foundation

/// The `loaders` executable, for tests that run it in a child process as users run it.
enum LoadersTool {
    /// Built beside the test bundle.
    static var executable: String {
        let bundle = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: bundle).deletingLastPathComponent().appendingPathComponent("loaders").path
    }

    /// This process's environment, with Swift's backtracer off: a crash ends the child at once,
    /// as a signal the test reports.
    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        return environment
    }
}
