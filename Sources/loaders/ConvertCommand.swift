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
            --to picks the format; an MNIST folder's two splits go to OUT-train.EXT and OUT-test.EXT. .h5 or .hdf5: pixel data (values k/255) is stored as uint8 \
            [N, H, W], anything else as float32; labels as uint8 when they fit, else int64. .csv: \
            the header label,f0,f1,…, then each sample's label and its features flattened, each the \
            shortest decimal that reads back to the same Float.
            """)

    @OptionGroup var source: SourceOptions

    @Option(name: .long, help: "The file to write (replaced whole if it exists): .h5, .hdf5 or .csv.")
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
        do {
            // An MNIST folder has two splits, and a user converting it wants both.
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: source.train, isDirectory: &isDirectory), isDirectory.boolValue {
                for split in [MNIST.Split.train, .test] {
                    print(try convert(try source.open(source.train, split: split).dataset, to: Self.path(to, split: split)))
                }
            } else {
                print(try convert(try source.open(source.train).dataset, to: to))
            }
        } catch {
            throw reportFailure(of: "convert", error)
        }
    }

    /// `out.h5` as `out-train.h5` or `out-test.h5`: where a folder's split is written.
    static func path(_ path: String, split: MNIST.Split) -> String {
        let name = split == .train ? "train" : "test"
        let pathExtension = (path as NSString).pathExtension
        return (path as NSString).deletingPathExtension + "-\(name)" + (pathExtension.isEmpty ? "" : "." + pathExtension)
    }

    /// Writes `dataset` to `path` in the format its extension names, and says what was written.
    private func convert(_ dataset: any Dataset<Example>, to path: String) throws -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "csv":
            if chunkRows != nil || gzip != nil {
                throw LoaderError(.unsupported, "--chunk-rows and --gzip apply to HDF5 output, not CSV", path: path)
            }
            let written = try CSVExport.write(dataset, to: path)
            return "\(path): \(written.rows) rows, label and \(written.features) features"
        case "h5", "hdf5":
            let summary = try AtomicFile.write(to: path, usingTemporaryPath: { temporary in
                do {
                    // The writer closes the file when it is released, at the end of this statement.
                    return try HDF5Writer(creating: temporary).write(dataset, chunkRows: chunkRows, gzipLevel: gzip)
                } catch var error as LoaderError where error.path == temporary {
                    error.path = path
                    throw error
                }
            })
            return "\(path): \(summary.count) samples, /images \(summary.featuresType.name) \(summary.featuresShape), /labels \(summary.labelsType.name)"
        default:
            throw LoaderError(.unsupported, "cannot tell the format to write: --to must end in .h5, .hdf5 or .csv", path: path)
        }
    }
}
