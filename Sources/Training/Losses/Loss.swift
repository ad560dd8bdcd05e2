import Loaders

/// What a `Trainer` minimises: the batch mean of a penalty of the model's output against the
/// batch's targets, and its gradient.
///
/// `CrossEntropyLoss` takes class labels; `MSELoss`, `L1Loss` and `HuberLoss` take real values of
/// the output's exact shape.
public protocol Loss: AnyObject {
    /// The loss of `output` against `targets`, keeping its gradient for `backward`.
    /// - Throws: `LoaderError(.mismatch)` when the targets do not fit the output: a kind of target
    ///   the loss does not take, a label outside the classes, values of another shape.
    func forward(_ output: Tensor<Float>, targets: Batch.Targets) throws -> Float

    /// The gradient of the latest `forward`'s loss with respect to its output.
    func backward() -> Tensor<Float>
}

extension Loss {
    /// The loss of `output` against class labels.
    public func forward(_ output: Tensor<Float>, labels: Tensor<Int32>) throws -> Float {
        try forward(output, targets: .labels(labels))
    }

    /// The loss of `output` against real targets of the same shape.
    public func forward(_ output: Tensor<Float>, target: Tensor<Float>) throws -> Float {
        try forward(output, targets: .values(target))
    }
}
