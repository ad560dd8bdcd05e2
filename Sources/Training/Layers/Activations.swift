import Foundation
import Loaders

/// `x` where positive, `negativeSlope · x` elsewhere, like PyTorch's `nn.LeakyReLU` (slope 0.01).
///
/// ```swift
/// let y = LeakyReLU().forward(x)   // [-2, 3] -> [-0.02, 3]
/// ```
public final class LeakyReLU: Layer {
    public let negativeSlope: Float
    public var isTraining = true
    public var computesInputGradient = true
    private var output = Tensor<Float>.empty
    private var inputGradient = Tensor<Float>.empty
    /// The latest training input: its sign picks the slope in the backward pass.
    private var savedInput: Tensor<Float>?

    public init(negativeSlope: Float = 0.01) {
        self.negativeSlope = negativeSlope
    }

    public var parameters: [Parameter] { [] }

    public func forward(_ input: Tensor<Float>) -> Tensor<Float> {
        output.reuse(shape: input.shape)
        let slope = negativeSlope
        input.scalars.withUnsafeBufferPointer { x in
            output.scalars.withUnsafeMutableBufferPointer { y in
                for i in 0..<x.count { y[i] = x[i] > 0 ? x[i] : x[i] * slope }
            }
        }
        savedInput = isTraining ? input : nil
        return output
    }

    public func backward(_ outputGradient: Tensor<Float>) -> Tensor<Float> {
        guard let input = savedInput, input.shape == outputGradient.shape else {
            preconditionFailure("LeakyReLU.backward needs a training-mode forward of shape \(outputGradient.shape) first")
        }
        inputGradient.reuse(shape: input.shape)
        let slope = negativeSlope
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            input.scalars.withUnsafeBufferPointer { x in
                inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                    for i in 0..<dy.count { dx[i] = x[i] > 0 ? dy[i] : dy[i] * slope }
                }
            }
        }
        savedInput = nil
        return inputGradient
    }
}

/// The logistic function `1 / (1 + e^(−x))`, element-wise, like PyTorch's `nn.Sigmoid`.
public final class Sigmoid: Layer {
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
                for i in 0..<x.count { y[i] = 1 / (1 + exp(-x[i])) }
            }
        }
        return output
    }

    /// `dx = dy · (1 − y) · y`, from the output alone.
    public func backward(_ outputGradient: Tensor<Float>) -> Tensor<Float> {
        require(outputGradient.shape == output.shape, "Sigmoid gradient \(outputGradient.shape) for output \(output.shape)")
        inputGradient.reuse(shape: output.shape)
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            output.scalars.withUnsafeBufferPointer { y in
                inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                    for i in 0..<dy.count { dx[i] = dy[i] * (1 - y[i]) * y[i] }
                }
            }
        }
        return inputGradient
    }
}

/// The hyperbolic tangent, element-wise, like PyTorch's `nn.Tanh`.
public final class Tanh: Layer {
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
                for i in 0..<x.count { y[i] = tanh(x[i]) }
            }
        }
        return output
    }

    /// `dx = dy · (1 − y²)`, from the output alone.
    public func backward(_ outputGradient: Tensor<Float>) -> Tensor<Float> {
        require(outputGradient.shape == output.shape, "Tanh gradient \(outputGradient.shape) for output \(output.shape)")
        inputGradient.reuse(shape: output.shape)
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            output.scalars.withUnsafeBufferPointer { y in
                inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                    for i in 0..<dy.count { dx[i] = dy[i] * (1 - y[i] * y[i]) }
                }
            }
        }
        return inputGradient
    }
}
