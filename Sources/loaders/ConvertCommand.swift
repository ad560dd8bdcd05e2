import ArgumentParser
import Foundation
import Loaders

/// `loaders convert --train SOURCE --to OUT.csv`: writes a training set in another format.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Write a training set as CSV (label first, then the features) that reads back identically.",
        discussion: """
            SOURCE is anything --train accepts (an MNIST folder, an IDX images file, a CSV file). \
            The output format follows the extension of --to: .csv (comma-separated, with the header \
            label,f0,f1,…; features written as the shortest decimals that read back to the same Float).
            """)

    @OptionGroup var source: SourceOptions

    @Option(help: "The file to write (replaced if it exists); its extension picks the format.")
    var to: String

    func run() throws {
        do {
            let opened = try source.open(source.train)
            switch (to as NSString).pathExtension.lowercased() {
            case "csv":
                let written = try CSVExport.write(opened.dataset, to: to)
                print("\(to): \(written.rows) rows, label and \(written.features) features")
            default:
                throw LoaderError(.unsupported, "cannot write this format: --to must end in .csv", path: to)
            }
        } catch {
            throw reportFailure(of: "convert", error)
        }
    }
}
