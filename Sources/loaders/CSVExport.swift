import Foundation
import Loaders

/// The CSV side of `loaders convert`: any dataset of examples written as CSV, the label (or the
/// real target values) first, then the features flattened, in runs of rows so that memory stays
/// small.
enum CSVExport {
    /// Writes every sample of `dataset` to `path` (replacing it atomically), with the header
    /// `label,f0,f1,…` (`target,f0,…` or `target0,target1,…,f0,…` for real-valued targets).
    /// - Returns: the number of rows and of features per row.
    /// - Throws: `LoaderError` `.io` naming `path` when it cannot be written, and the dataset's errors.
    @discardableResult
    static func write(_ dataset: some Dataset<Example>, to path: String) throws -> (rows: Int, features: Int) {
        guard dataset.count > 0 else {
            throw LoaderError(.emptyFile, "the source has no samples to write", path: path)
        }
        let firstSample = try dataset.sample(at: 0)
        let featureCount = firstSample.features.count
        var writer = switch firstSample.target {
        case .label: CSVWriter(featureCount: featureCount)
        case .values(let values): CSVWriter(featureCount: featureCount, targetCount: values.count)
        }
        try AtomicFile.write(to: path) { output in
            let run = 512
            for first in stride(from: 0, to: dataset.count, by: run) {
                let indices = Array(first..<min(first + run, dataset.count))
                for (index, example) in zip(indices, try dataset.samples(at: indices)) {
                    guard example.features.count == featureCount else {
                        throw LoaderError(
                            .mismatch, "sample \(index) has \(example.features.count) features, the first has \(featureCount)",
                            location: .sampleIndex(index))
                    }
                    guard example.values?.count == firstSample.values?.count else {
                        throw LoaderError(
                            .mismatch, "sample \(index) has \(describeTarget(of: example)), and sample 0 has \(describeTarget(of: firstSample))",
                            location: .sampleIndex(index))
                    }
                    writer.append(example)
                }
                if writer.bytes.count >= 1 << 20 || first + run >= dataset.count {
                    try output.write(writer.take())
                }
            }
        }
        return (dataset.count, featureCount)
    }

    private static func describeTarget(of example: Example) -> String {
        switch example.target {
        case .label: "a class label"
        case .values(let values): values.count == 1 ? "1 target value" : "\(values.count) target values"
        }
    }
}
