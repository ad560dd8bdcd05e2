import Loaders

/// Per-feature standardisation `(x − mean) / std`, applied to a batch's features on the way into a
/// model, e.g. MNIST's mean 0.1307 and std 0.3081.
public struct Normalization: Sendable, Equatable {
    public var mean: Float
    public var standardDeviation: Float

    /// - Precondition: `standardDeviation > 0`.
    public init(mean: Float, standardDeviation: Float) {
        require(standardDeviation > 0, "standard deviation must be positive, got \(standardDeviation)")
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    /// MNIST's pixel statistics over the training split (the PyTorch examples' constants).
    public static let mnist = Normalization(mean: 0.1307, standardDeviation: 0.3081)

    /// Writes `(source − mean) / std` into `target`, reusing `target`'s storage.
    func apply(_ source: Tensor<Float>, into target: inout Tensor<Float>) {
        target.reuse(shape: source.shape)
        let (mean, scale) = (mean, 1 / standardDeviation)
        source.scalars.withUnsafeBufferPointer { x in
            target.scalars.withUnsafeMutableBufferPointer { y in
                for i in 0..<x.count { y[i] = (x[i] - mean) * scale }
            }
        }
    }
}
