import ArgumentParser
import Foundation
import Loaders

/// `loaders inspect FILE [--json]`: what a data file holds, with summary statistics.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print a data file's format, element type, shape and summary statistics.",
        discussion: """
            Formats are recognised by their leading bytes: IDX (raw, or gzip-compressed) and HDF5 \
            (which lists its datasets, or with --dataset summarises one); and by the name's \
            extension: CSV (.csv, with a header row) and tab-separated (.tsv), either also gzipped \
            (.csv.gz). A folder is read as MNIST's: each split's images and labels files. HDF5 files are read \
            in a child process, so that a damaged file that crashes libhdf5 or keeps it busy past \
            --timeout ends with one line naming the file.
            """)

    @Argument(help: "The file to inspect, or an MNIST folder.")
    var file: String

    @Flag(name: .long, help: "Print one line of JSON instead of a readable summary.")
    var json = false

    @Option(help: ArgumentHelp("CSV: the field delimiter, one character or \"tab\" (default: comma; tab for .tsv).", valueName: "char"))
    var delimiter: String?

    @Option(name: .long, help: "For HDF5: the dataset to summarise, e.g. /images.")
    var dataset: String?

    @Option(help: ArgumentHelp("For HDF5: give up when reading takes longer than this many seconds.", valueName: "seconds"))
    var timeout: Double = 600

    func validate() throws {
        guard timeout >= 0.001, timeout <= 1e9 else { throw ValidationError("--timeout must be between 0.001 and 1e9 seconds; got \(timeout)") }
    }

    func run() throws {
        do {
            let summary: InspectionSummary
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), isDirectory.boolValue {
                if dataset != nil {
                    throw LoaderError(.unsupported, "--dataset applies to HDF5 files; this is a folder", path: file)
                }
                summary = try IDXInspection.summary(ofMNISTFolder: file)
            } else {
                switch try FileFormat.detect(path: file) {
                case .idx:
                    if dataset != nil {
                        throw LoaderError(.unsupported, "--dataset applies to HDF5 files; this is IDX", path: file)
                    }
                    summary = try IDXInspection(path: file).summary()
                case .csv(let extensionDelimiter):
                    if dataset != nil {
                        throw LoaderError(.unsupported, "--dataset applies to HDF5 files; this is CSV", path: file)
                    }
                    let format = try SourceOptions.csvFormat(delimiter: delimiter, default: extensionDelimiter)
                    summary = try CSVInspection(path: file, format: format).summary()
                case .hdf5:
                    guard IsolatedInspection.isChild else {
                        let arguments = ["inspect", file] + (json ? ["--json"] : []) + (dataset.map { ["--dataset", $0] } ?? [])
                        let status = try IsolatedInspection.run(arguments, file: file, seconds: timeout)
                        if status != 0 { throw ExitCode(status) }
                        return
                    }
                    let inspection = try HDF5Inspection(path: file)
                    summary = try dataset.map { try inspection.summary(dataset: $0) } ?? inspection.listing()
                }
            }
            print(json ? summary.json.text : summary.readable)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw reportFailure(of: "inspect", error)
        }
    }
}
