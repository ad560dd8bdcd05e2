import ChildProcessSupport
import Foundation

/// The example programs, built beside the test bundle, run in child processes as users run them.
enum ExamplePrograms {
    /// The repository's root, found from this source file.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs the example `name` with `arguments`, killing it after `deadline`.
    static func run(_ name: String, _ arguments: [String], deadline: Duration = .seconds(120)) async throws -> ChildProcess.Outcome {
        let bundle = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let executable = URL(fileURLWithPath: bundle).deletingLastPathComponent().appendingPathComponent(name).path
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        return try await ChildProcess.run(executable, arguments, environment: environment, deadline: deadline)
    }

    /// A fresh temporary folder.
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("examples-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// The lines of `text` matching `pattern`, each as its capture groups.
    static func matches(_ pattern: String, in text: String) throws -> [[String]] {
        let expression = try NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines])
        return expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            (1..<match.numberOfRanges).map { String(text[Range(match.range(at: $0), in: text)!]) }
        }
    }
}
