import Loaders

/// The largest label in `dataset`, read in one pass of bulk reads.
/// - Throws: `LoaderError` `.unsupported` naming the sample when a label is negative (class
///   labels count from 0), or any error reading the dataset.
/// - Complexity: O(`dataset.count`) sample reads.
func largestLabel<Source: Dataset<Example>>(in dataset: Source, path: String) throws -> Int {
    var largest = 0
    let chunk = 4096
    for start in stride(from: 0, to: dataset.count, by: chunk) {
        let indices = Array(start..<min(start + chunk, dataset.count))
        for (index, example) in zip(indices, try dataset.samples(at: indices)) {
            guard let label = example.label else {
                throw LoaderError(
                    .unsupported, "the target is real-valued; a classifier needs class labels", path: path,
                    location: .sampleIndex(index))
            }
            guard label >= 0 else {
                throw LoaderError(
                    .unsupported, "label \(label) is negative; class labels count from 0", path: path,
                    location: .sampleIndex(index))
            }
            largest = max(largest, label)
        }
    }
    return largest
}
