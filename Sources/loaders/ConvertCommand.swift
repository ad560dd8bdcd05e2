import ArgumentParser
import Foundation
import Loaders
import LoadersHDF5

/// `loaders convert --train SOURCE --to OUT.h5`: writes a dataset's images and labels as HDF5.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Write a training set as HDF5 (/images, /labels) that h5py and libhdf5 read back exactly.",
        discussion: """
            SOURCE is an MNIST directory (its train files, gzipped or not) or an HDF5 file (with \
            --features and --labels). Pixel data (values k/255) is stored as uint8 [N, H, W], \
            anything else as float32; labels as uint8 when they fit, else int64.
            """)

    @Option(name: .long, help: "The training data: an MNIST directory or an HDF5 file.")
    var train: String

    @Option(name: .long, help: "The HDF5 file to write (replaced if it exists).")
    var to: String

    @Option(name: .long, help: "Rows per chunk; without it (and --gzip) datasets are contiguous.")
    var chunkRows: Int?

    @Option(name: .long, help: "Deflate the chunks at this level, 0-9 (chunks of about 1 MiB unless --chunk-rows).")
    var gzip: Int?

    @Option(name: .long, help: "For an HDF5 source: the features dataset.")
    var features = "/images"

    @Option(name: .long, help: "For an HDF5 source: the labels dataset.")
    var labels = "/labels"

    func validate() throws {
        if let chunkRows, chunkRows < 1 { throw ValidationError("--chunk-rows must be at least 1") }
        if let gzip, !(0...9).contains(gzip) { throw ValidationError("--gzip must be a level from 0 to 9") }
    }

    func run() throws {
        do {
            let summary = try HDF5Writer(creating: to).write(
                try ConversionSource.open(train, features: features, labels: labels), chunkRows: chunkRows, gzipLevel: gzip)
            print("\(to): \(summary.count) samples, /images \(summary.featuresType.name) \(summary.featuresShape), /labels \(summary.labelsType.name)")
        } catch {
            let line = (error as? LoaderError)?.description ?? "\(train): \(error)"
            FileHandle.standardError.write(Data("loaders convert: \(line.replacingOccurrences(of: "\n", with: " "))\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// The datasets `convert` reads from, as one random-access type.
enum ConversionSource: Dataset {
    case mnist(MNIST)
    case hdf5(HDF5Dataset)

    /// Opens `path`: a directory as MNIST's training split, an HDF5 file by its signature.
    /// - Throws: `LoaderError` naming the file when it is neither or cannot be read.
    static func open(_ path: String, features: String, labels: String) throws -> ConversionSource {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            return .mnist(try MNIST(directory: path, split: .train))
        }
        switch try FileFormat.detect(path: path) {
        case .hdf5:
            return .hdf5(try HDF5Dataset(path, features: features, labels: labels))
        case .idx:
            throw LoaderError(.unsupported, "an IDX file holds images or labels, not both: pass the MNIST directory", path: path)
        }
    }

    var count: Int {
        switch self {
        case .mnist(let source): source.dataset.count
        case .hdf5(let source): source.count
        }
    }

    func sample(at index: Int) throws -> Example {
        try samples(at: [index])[0]
    }

    func samples(at indices: [Int]) throws -> [Example] {
        switch self {
        case .mnist(let source): try source.dataset.samples(at: indices)
        case .hdf5(let source): try source.samples(at: indices)
        }
    }
}
