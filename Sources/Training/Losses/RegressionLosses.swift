import Loaders

/// The mean squared error over every element, like PyTorch's `nn.MSELoss`.
///
/// ```swift
/// let loss = MSELoss()
/// let value = try loss.forward(model.forward(x), target: y)
/// model.backward(loss.backward())
/// ```
public final class MSELoss: Loss {
    private var elementwise = ElementwiseLoss(name: "MSELoss")

    public init() {}

    /// `mean((output − target)²)`.
    public func forward(_ output: Tensor<Float>, targets: Batch.Targets) throws -> Float {
        try elementwise.forward(output, targets) { d in (d * d, 2 * d) }
    }

    public func backward() -> Tensor<Float> { elementwise.gradient }
}

/// The mean absolute error over every element, like PyTorch's `nn.L1Loss` (its gradient at a
/// difference of 0 is 0, as PyTorch's).
public final class L1Loss: Loss {
    private var elementwise = ElementwiseLoss(name: "L1Loss")

    public init() {}

    /// `mean(|output − target|)`.
    public func forward(_ output: Tensor<Float>, targets: Batch.Targets) throws -> Float {
        try elementwise.forward(output, targets) { d in (abs(d), d > 0 ? 1 : d < 0 ? -1 : 0) }
    }

    public func backward() -> Tensor<Float> { elementwise.gradient }
}

/// Squared error for small differences and absolute error beyond `delta`, like PyTorch's
/// `nn.HuberLoss`: `0.5 d²` where `|d| ≤ delta`, else `delta · (|d| − 0.5 delta)`, averaged.
public final class HuberLoss: Loss {
    public let delta: Float
    private var elementwise = ElementwiseLoss(name: "HuberLoss")

    /// - Precondition: `delta > 0`.
    public init(delta: Float = 1) {
        require(delta > 0 && delta.isFinite, "HuberLoss delta must be positive and finite, got \(delta)")
        self.delta = delta
    }

    public func forward(_ output: Tensor<Float>, targets: Batch.Targets) throws -> Float {
        let delta = delta
        return try elementwise.forward(output, targets) { d in
            abs(d) <= delta ? (0.5 * d * d, d) : (delta * (abs(d) - 0.5 * delta), d > 0 ? delta : -delta)
        }
    }

    public func backward() -> Tensor<Float> { elementwise.gradient }
}

/// The mean of a penalty of each element's difference, and its gradient: the body the regression
/// losses share.
struct ElementwiseLoss {
    let name: String
    private(set) var gradient = Tensor<Float>.empty

    init(name: String) {
        self.name = name
    }

    /// - Parameter penalty: a difference's penalty and the penalty's derivative.
    mutating func forward(
        _ output: Tensor<Float>, _ targets: Batch.Targets, penalty: (Float) -> (value: Float, derivative: Float)
    ) throws -> Float {
        guard let target = targets.values else {
            throw LoaderError(.mismatch, "\(name) needs real-valued targets, and the batch has class labels")
        }
        // PyTorch would broadcast [B, 1] against [B] into [B, B] and train on the wrong loss.
        guard target.shape == output.shape else {
            throw LoaderError(.mismatch, "\(name): the targets' shape \(target.shape) does not match the model's output \(output.shape)")
        }
        gradient.reuse(shape: output.shape)
        let scale = 1 / Float(max(output.count, 1))
        var total: Double = 0
        output.scalars.withUnsafeBufferPointer { p in
            target.scalars.withUnsafeBufferPointer { t in
                gradient.scalars.withUnsafeMutableBufferPointer { g in
                    for i in 0..<p.count {
                        let (value, derivative) = penalty(p[i] - t[i])
                        total += Double(value)
                        g[i] = scale * derivative
                    }
                }
            }
        }
        return Float(total / Double(max(output.count, 1)))
    }
}
