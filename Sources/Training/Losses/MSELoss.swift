import Loaders

/// The mean squared error over every element, like PyTorch's `nn.MSELoss`.
///
/// ```swift
/// let loss = MSELoss()
/// let value = loss.forward(model.forward(x), target: y)
/// model.backward(loss.backward())
/// ```
public final class MSELoss {
    private var gradient = Tensor<Float>.empty

    public init() {}

    /// `mean((prediction − target)²)`.
    /// - Precondition: both have the same number of elements.
    /// - Complexity: O(count).
    public func forward(_ prediction: Tensor<Float>, target: Tensor<Float>) -> Float {
        require(prediction.count == target.count, "MSELoss: prediction \(prediction.shape) vs target \(target.shape)")
        gradient.reuse(shape: prediction.shape)
        let scale = 2 / Float(max(prediction.count, 1))
        var total: Double = 0
        prediction.scalars.withUnsafeBufferPointer { p in
            target.scalars.withUnsafeBufferPointer { t in
                gradient.scalars.withUnsafeMutableBufferPointer { g in
                    for i in 0..<p.count {
                        let difference = p[i] - t[i]
                        total += Double(difference * difference)
                        g[i] = scale * difference
                    }
                }
            }
        }
        return Float(total / Double(max(prediction.count, 1)))
    }

    /// The gradient of the latest `forward`'s loss with respect to its prediction.
    public func backward() -> Tensor<Float> {
        gradient
    }
}
