import ArgumentParser
import Foundation
import Loaders
import LoadersHDF5

/// `loaders convert --train SOURCE --to OUT.h5|OUT.csv`: writes a training set as HDF5 or CSV.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Write a training set as HDF5 (/images, /labels) or CSV, files that read back exactly.",
        discussion: """
            SOURCE is anything `bench` reads: an MNIST folder, an IDX images file, a CSV file \
            (with --label-column), an HDF5 file (with --features and --labels). The extension of \
            --to picks the format. .h5 or .hdf5: pixel data (values k/255) is stored as uint8 \
            [N, H, W], anything else as float32; labels as uint8 when they fit, else int64. .csv: \
            the header label,f0,f1,…, then each sample's label and its features flattened, each the \
            shortest decimal that reads back to the same Float.
            """)

    @OptionGroup var source: SourceOptions

    @Option(name: .long, help: "The file to write (replaced if it exists): .h5, .hdf5 or .csv.")
    var to: String

    @Option(name: .long, help: "HDF5: rows per chunk; without it (and --gzip) datasets are contiguous.")
    var chunkRows: Int?

    @Option(name: .long, help: "HDF5: deflate the chunks at this level, 0-9 (chunks of about 1 MiB unless --chunk-rows).")
    var gzip: Int?

    func validate() throws {
        if let chunkRows, chunkRows < 1 { throw ValidationError("--chunk-rows must be at least 1") }
        if let gzip, !(0...9).contains(gzip) { throw ValidationError("--gzip must be a level from 0 to 9") }
    }

    func run() throws {
        let report: String
        do {
            switch (to as NSString).pathExtension.lowercased() {
            case "csv":
                if chunkRows != nil || gzip != nil {
                    throw LoaderError(.unsupported, "--chunk-rows and --gzip apply to HDF5 output, not CSV", path: to)
                }
                let written = try CSVExport.write(try source.open(source.train).dataset, to: to)
                report = "\(to): \(written.rows) rows, label and \(written.features) features"
            case "h5", "hdf5":
                let opened = try source.open(source.train)
                let summary = try HDF5Writer(creating: to).write(opened.dataset, chunkRows: chunkRows, gzipLevel: gzip)
                report = "\(to): \(summary.count) samples, /images \(summary.featuresType.name) \(summary.featuresShape), /labels \(summary.labelsType.name)"
            default:
                throw LoaderError(.unsupported, "cannot tell the format to write: --to must end in .h5, .hdf5 or .csv", path: to)
            }
        } catch {
            throw reportFailure(of: "convert", error)
        }
        print(report)
    }
}
