extension Tensor where Scalar: BitwiseCopyable {
    /// Stacks one tensor per sample along a new first dimension: `[parts.count] + shape`.
    ///
    /// The building block of `Collatable.collate` for a sample type of one's own: stack each field
    /// in turn, naming it, so that an error says which field of which sample did not fit.
    ///
    /// ```swift
    /// static func collate(_ samples: [Pair], indices: [Int]) throws -> PairBatch {
    ///     PairBatch(left: try .stacked(samples.map(\.left), field: "left", indices: indices),
    ///               right: try .stacked(samples.map(\.right), field: "right", indices: indices))
    /// }
    /// ```
    /// - Parameters:
    ///   - parts: the samples' tensors, in batch order.
    ///   - field: the field's name, for errors.
    ///   - indices: the samples' dataset positions, for errors.
    /// - Throws: `LoaderError` `.mismatch` at the first sample whose shape differs from the first
    ///   sample's, naming the field and both shapes.
    /// - Complexity: O(total element count): one allocation, one bulk copy per sample.
    public static func stacked(_ parts: [Tensor], field: String, indices: [Int]) throws -> Tensor {
        require(parts.count == indices.count, "stacking \(parts.count) \(field) for \(indices.count) indices")
        let partShape = parts.first?.shape ?? []
        for (position, part) in parts.enumerated() where part.shape != partShape {
            throw LoaderError(
                .mismatch,
                "\(field) of shape \(part.shape), where sample \(indices[0]) in the same batch has \(partShape)",
                location: .sampleIndex(indices[position]))
        }
        let partSize = elementCount(of: partShape)
        let scalars = [Scalar](uninitializedCapacity: parts.count * partSize) { buffer, initialized in
            var offset = 0
            for part in parts {
                part.scalars.withUnsafeBufferPointer { source in
                    _ = UnsafeMutableBufferPointer(rebasing: buffer[offset..<offset + partSize]).initialize(fromContentsOf: source)
                }
                offset += partSize
            }
            initialized = offset
        }
        return Tensor(shape: [parts.count] + partShape, scalars: scalars)
    }
}
