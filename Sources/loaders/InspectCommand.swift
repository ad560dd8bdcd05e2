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

/// The formats `inspect` understands, recognised by their first bytes (or, for text formats,
/// by the file name's extension).
enum FileFormat {
    case idx

    /// Decides the format of `path` from its leading bytes.
    /// - Throws: `LoaderError` `.io` when the file cannot be read, `.unsupported` when no format matches.
    static func detect(path: String) throws -> FileFormat {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LoaderError(.io, "cannot open file: \(String(cString: strerror(errno)))", path: path)
        }
        defer { try? handle.close() }
        let leading = [UInt8]((try? handle.read(upToCount: 4)) ?? Data())
        switch leading.count >= 2 ? (leading[0], leading[1]) : (0xFF, 0xFF) {
        case (0x1F, 0x8B), (0x00, 0x00):
            // gzip-compressed IDX, or IDX's two zero bytes; the IDX reader validates the rest.
            return .idx
        default:
            throw LoaderError(
                .unsupported, "unrecognised file format (leading bytes \(leading.map { String($0, radix: 16) }))",
                path: path, location: .byteOffset(0))
        }
    }
}

/// What `inspect` prints about a file, in both of its output forms.
struct InspectionSummary {
    /// One JSON object with ordered keys.
    var json: JSON
    /// A few lines for people.
    var readable: String
}
