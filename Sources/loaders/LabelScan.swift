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
            guard example.label >= 0 else {
                throw LoaderError(
                    .unsupported, "label \(example.label) is negative; class labels count from 0", path: path,
                    location: .sampleIndex(index))
            }
            largest = max(largest, example.label)
        }
    }
    return largest
}
