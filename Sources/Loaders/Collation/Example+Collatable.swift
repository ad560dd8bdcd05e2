extension Example: Collatable {
    /// Stacks the samples' features into `[B, …]` and their labels into `[B]`.
    ///
    /// - Throws: `LoaderError` `.mismatch` naming the first sample whose feature shape differs from
    ///   the first sample's, and both shapes; `.unsupported` for a label outside `Int32`.
    /// - Complexity: O(total feature count): one allocation, one bulk copy per sample.
    public static func collate(_ samples: [Example], indices: [Int]) throws -> Batch {
        precondition(samples.count == indices.count, "collate got \(samples.count) samples for \(indices.count) indices")
        let sampleShape = samples.first?.features.shape ?? []
        let sampleSize = Tensor<Float>.elementCount(of: sampleShape)
        var labels = [Int32]()
        labels.reserveCapacity(samples.count)
        for (position, sample) in samples.enumerated() {
            if sample.features.shape != sampleShape {
                throw LoaderError(
                    .mismatch,
                    "features \(sample.features.shape) differ from \(sampleShape) of sample \(indices[0]) in the same batch",
                    location: .sampleIndex(indices[position]))
            }
            guard let label = Int32(exactly: sample.label) else {
                throw LoaderError(.unsupported, "label \(sample.label) does not fit in Int32", location: .sampleIndex(indices[position]))
            }
            labels.append(label)
        }
        let scalars = [Float](uninitializedCapacity: samples.count * sampleSize) { buffer, initialized in
            var offset = 0
            for sample in samples {
                sample.features.scalars.withUnsafeBufferPointer { source in
                    let target = UnsafeMutableBufferPointer(rebasing: buffer[offset..<offset + sampleSize])
                    _ = target.initialize(fromContentsOf: source)
                }
                offset += sampleSize
            }
            initialized = offset
        }
        return Batch(
            features: Tensor(shape: [samples.count] + sampleShape, scalars: scalars),
            labels: Tensor(shape: [samples.count], scalars: labels))
    }
}
