import Foundation
import Loaders

/// Opens `--train` / `--test` paths as datasets: an MNIST-style directory (the split's two IDX
/// files, gzipped or not), or one IDX images file whose labels file sits beside it
/// (`…-images-idx3-ubyte[.gz]` → `…-labels-idx1-ubyte[.gz]`).
enum TrainingSource {
    /// The dataset at `path`; a directory gives its `split`.
    /// - Throws: `LoaderError` `.io` for a missing path or labels file, and any error of the IDX reader.
    static func open(_ path: String, split: MNIST.Split) throws -> IDXDataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LoaderError(.io, "no such file or directory", path: path)
        }
        if isDirectory.boolValue {
            return try MNIST(directory: path, split: split).dataset
        }
        return try IDXDataset(images: path, labels: labelsPath(besides: path))
    }

    /// The labels file next to an images file, by the IDX naming convention.
    static func labelsPath(besides images: String) throws -> String {
        let url = URL(fileURLWithPath: images)
        let name = url.lastPathComponent
        guard name.contains("images-idx3") else {
            throw LoaderError(.io, "cannot find the labels file: the name has no \"images-idx3\" to replace with \"labels-idx1\"", path: images)
        }
        let labels = url.deletingLastPathComponent().appendingPathComponent(
            name.replacingOccurrences(of: "images-idx3", with: "labels-idx1")).path
        for candidate in [labels, labels.hasSuffix(".gz") ? String(labels.dropLast(3)) : labels + ".gz"]
        where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        throw LoaderError(.io, "no labels file beside the images file", path: labels)
    }
}
