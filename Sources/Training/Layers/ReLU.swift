import Loaders

/// The rectifier `max(0, x)`, element-wise.
///
/// Inside a `Sequential` directly after `Conv2d` or `Linear`, it is fused into that layer and
/// this object's own passes are not called.
public final class ReLU: Layer {
    public var isTraining = true
    public var computesInputGradient = true
    private var output = Tensor<Float>.empty
    private var inputGradient = Tensor<Float>.empty

    public init() {}

    public var parameters: [Parameter] { [] }

    public func forward(_ input: Tensor<Float>) -> Tensor<Float> {
        output.reuse(shape: input.shape)
        input.scalars.withUnsafeBufferPointer { x in
            output.scalars.withUnsafeMutableBufferPointer { y in
                for i in 0..<x.count { y[i] = max(x[i], 0) }
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor<Float>) -> Tensor<Float> {
        require(outputGradient.shape == output.shape, "ReLU gradient \(outputGradient.shape) for output \(output.shape)")
        inputGradient.reuse(shape: output.shape)
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            output.scalars.withUnsafeBufferPointer { y in
                inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                    Kernels.maskPositive(dy.baseAddress!, by: y.baseAddress!, count: dy.count, into: dx.baseAddress!)
                }
            }
        }
        return inputGradient
    }
}
