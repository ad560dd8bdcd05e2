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
            extension: CSV (.csv, with a header row) and tab-separated (.tsv).
            """)

    @Argument(help: "The file to inspect.")
    var file: String

    @Flag(name: .long, help: "Print one line of JSON instead of a readable summary.")
    var json = false

    @Option(help: ArgumentHelp("CSV: the field delimiter, one character or \"tab\" (default: comma; tab for .tsv).", valueName: "char"))
    var delimiter: String?

    @Option(name: .long, help: "For HDF5: the dataset to summarise, e.g. /images.")
    var dataset: String?

    func run() throws {
        do {
            let summary: InspectionSummary
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
                let inspection = try HDF5Inspection(path: file)
                summary = try dataset.map { try inspection.summary(dataset: $0) } ?? inspection.listing()
            }
            print(json ? summary.json.text : summary.readable)
        } catch {
            throw reportFailure(of: "inspect", error)
        }
    }
}
