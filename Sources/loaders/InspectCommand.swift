import ArgumentParser
import Foundation
import Loaders

/// `loaders inspect FILE [--json]`: what a data file holds, with summary statistics.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a data file's format, element type, shape and summary statistics.",
        discussion: "Formats are recognised by their leading bytes: IDX (raw, or gzip-compressed).")

    @Argument(help: "The file to inspect.")
    var file: String

    @Flag(name: .long, help: "Print one line of JSON instead of a readable summary.")
    var json = false

    func run() throws {
        do {
            let summary: InspectionSummary
            switch try FileFormat.detect(path: file) {
            case .idx:
                summary = try IDXInspection(path: file).summary()
            }
            print(json ? summary.json.text : summary.readable)
        } catch {
            // Exactly one line on stderr, naming the file and the place.
            let line = (error as? LoaderError)?.description ?? "\(file): \(error)"
            FileHandle.standardError.write(Data("loaders inspect: \(line.replacingOccurrences(of: "\n", with: " "))\n".utf8))
            throw ExitCode.failure
        }
    }
}
