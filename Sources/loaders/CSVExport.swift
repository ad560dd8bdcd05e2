import Foundation
import Loaders

/// The CSV side of `loaders convert`: any dataset of examples written as CSV, label first, then
/// the features flattened, in runs of rows so that memory stays small.
enum CSVExport {
    /// Writes every sample of `dataset` to `path` (replacing it), with the header `label,f0,f1,…`.
    /// - Returns: the number of rows and of features per row.
    /// - Throws: `LoaderError` `.io` naming `path` when it cannot be written, and the dataset's errors.
    @discardableResult
    static func write(_ dataset: some Dataset<Example>, to path: String) throws -> (rows: Int, features: Int) {
        guard dataset.count > 0 else {
            throw LoaderError(.emptyFile, "the source has no samples to write", path: path)
        }
        let featureCount = try dataset.sample(at: 0).features.count
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let handle = FileHandle(forWritingAtPath: path) else {
            throw LoaderError(.io, "cannot create the file: \(String(cString: strerror(errno)))", path: path)
        }
        defer { try? handle.close() }
        var writer = CSVWriter(featureCount: featureCount)
        let run = 512
        for first in stride(from: 0, to: dataset.count, by: run) {
            let indices = Array(first..<min(first + run, dataset.count))
            for (index, example) in zip(indices, try dataset.samples(at: indices)) {
                guard example.features.count == featureCount else {
                    throw LoaderError(
                        .mismatch, "sample \(index) has \(example.features.count) features, the first has \(featureCount)",
                        location: .sampleIndex(index))
                }
                writer.append(example)
            }
            if writer.bytes.count >= 1 << 20 || first + run >= dataset.count {
                do {
                    try handle.write(contentsOf: writer.take())
                } catch {
                    throw LoaderError(.io, "cannot write: \(error.localizedDescription)", path: path)
                }
            }
        }
        return (dataset.count, featureCount)
    }
}
