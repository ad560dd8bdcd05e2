extension Example: Collatable {
    /// Stacks the samples' features into `[B, …]`, and their targets into `[B]` labels or
    /// `[B, …]` values.
    ///
    /// - Throws: `LoaderError` `.mismatch` naming the first sample whose features or target shape
    ///   differs from the first sample's, and both shapes, or whose kind of target (label or
    ///   values) differs; `.unsupported` for a label outside `Int32`.
    /// - Complexity: O(total element count): one allocation, one bulk copy per sample and field.
    public static func collate(_ samples: [Example], indices: [Int]) throws -> Batch {
        let features = try Tensor.stacked(samples.map(\.features), field: "features", indices: indices)
        guard case .values = samples.first?.target else {
            var labels = [Int32]()
            labels.reserveCapacity(samples.count)
            for (position, sample) in samples.enumerated() {
                guard let label = sample.label else {
                    throw kindMismatch(at: position, indices: indices, found: "real values", first: "a class label")
                }
                guard let narrow = Int32(exactly: label) else {
                    throw LoaderError(.unsupported, "label \(label) does not fit in Int32", location: .sampleIndex(indices[position]))
                }
                labels.append(narrow)
            }
            return Batch(features: features, labels: Tensor(shape: [samples.count], scalars: labels))
        }
        let values = try samples.indices.map { position in
            guard let values = samples[position].values else {
                throw kindMismatch(at: position, indices: indices, found: "a class label", first: "real values")
            }
            return values
        }
        return Batch(features: features, targets: .values(try Tensor.stacked(values, field: "target", indices: indices)))
    }

    private static func kindMismatch(at position: Int, indices: [Int], found: String, first: String) -> LoaderError {
        LoaderError(
            .mismatch, "target is \(found) where sample \(indices[0]) in the same batch has \(first)",
            location: .sampleIndex(indices[position]))
    }
}
