import Loaders

/// Flattens every dimension after the first: `[batch, c, h, w]` becomes `[batch, c·h·w]`,
/// in row-major order like PyTorch's `nn.Flatten`. No data moves: only the shape changes.
public final class Flatten: Layer {
    public var isTraining = true
    public var computesInputGradient = true
    private var inputShape: [Int] = []

    public init() {}

    public var parameters: [Parameter] { [] }

    public func forward(_ input: Tensor<Float>) -> Tensor<Float> {
        require(input.rank >= 1, "Flatten needs a batch dimension")
        inputShape = input.shape
        return input.reshaped(to: [input.shape[0], input.count / max(1, input.shape[0])])
    }

    public func backward(_ outputGradient: Tensor<Float>) -> Tensor<Float> {
        outputGradient.reshaped(to: inputShape)
    }
}

extension Flatten: ReshapingLayer {}
