import ArgumentParser
import Loaders
import LoadersHDF5

/// `loaders convert --train SOURCE --to OUT.h5`: writes a dataset's images and labels as HDF5.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Write a training set as HDF5 (/images, /labels) that h5py and libhdf5 read back exactly.",
        discussion: """
            SOURCE is anything `bench` reads: an MNIST folder, an IDX images file, an HDF5 file \
            (with --features and --labels). Pixel data (values k/255) is stored as uint8 [N, H, W], \
            anything else as float32; labels as uint8 when they fit, else int64.
            """)

    @OptionGroup var source: SourceOptions

    @Option(name: .long, help: "The HDF5 file to write (replaced if it exists).")
    var to: String

    @Option(name: .long, help: "Rows per chunk; without it (and --gzip) datasets are contiguous.")
    var chunkRows: Int?

    @Option(name: .long, help: "Deflate the chunks at this level, 0-9 (chunks of about 1 MiB unless --chunk-rows).")
    var gzip: Int?

    func validate() throws {
        if let chunkRows, chunkRows < 1 { throw ValidationError("--chunk-rows must be at least 1") }
        if let gzip, !(0...9).contains(gzip) { throw ValidationError("--gzip must be a level from 0 to 9") }
    }

    func run() throws {
        let summary: HDF5Writer.ConversionSummary
        do {
            let opened = try source.open(source.train)
            summary = try HDF5Writer(creating: to).write(opened.dataset, chunkRows: chunkRows, gzipLevel: gzip)
        } catch {
            throw reportFailure(of: "convert", error)
        }
        print("\(to): \(summary.count) samples, /images \(summary.featuresType.name) \(summary.featuresShape), /labels \(summary.labelsType.name)")
    }
}
