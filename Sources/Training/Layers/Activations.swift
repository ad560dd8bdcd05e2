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
    private var passes = OutputDifferentiated(name: "Sigmoid")

    public init() {}

    public var parameters: [Parameter] { [] }

    public func forward(_ input: Tensor<Float>) -> Tensor<Float> {
        passes.forward(input) { 1 / (1 + exp(-$0)) }
    }

    /// `dx = dy · (1 − y) · y`, from the output alone.
    public func backward(_ outputGradient: Tensor<Float>) -> Tensor<Float> {
        passes.backward(outputGradient) { dy, y in dy * (1 - y) * y }
    }
}

/// The hyperbolic tangent, element-wise, like PyTorch's `nn.Tanh`.
public final class Tanh: Layer {
    public var isTraining = true
    public var computesInputGradient = true
    private var passes = OutputDifferentiated(name: "Tanh")

    public init() {}

    public var parameters: [Parameter] { [] }

    public func forward(_ input: Tensor<Float>) -> Tensor<Float> {
        passes.forward(input) { tanh($0) }
    }

    /// `dx = dy · (1 − y²)`, from the output alone.
    public func backward(_ outputGradient: Tensor<Float>) -> Tensor<Float> {
        passes.backward(outputGradient) { dy, y in dy * (1 - y * y) }
    }
}

/// The two passes of an element-wise activation whose derivative is a function of its output,
/// with the buffers they reuse from batch to batch.
struct OutputDifferentiated {
    let name: String
    private var output = Tensor<Float>.empty
    private var inputGradient = Tensor<Float>.empty

    init(name: String) {
        self.name = name
    }

    /// `y = function(x)`, element by element.
    @inline(__always)
    mutating func forward(_ input: Tensor<Float>, _ function: (Float) -> Float) -> Tensor<Float> {
        output.reuse(shape: input.shape)
        input.scalars.withUnsafeBufferPointer { x in
            output.scalars.withUnsafeMutableBufferPointer { y in
                for i in 0..<x.count { y[i] = function(x[i]) }
            }
        }
        return output
    }

    /// `dx = gradient(dy, y)`, element by element, from the latest output.
    @inline(__always)
    mutating func backward(_ outputGradient: Tensor<Float>, _ gradient: (Float, Float) -> Float) -> Tensor<Float> {
        require(outputGradient.shape == output.shape, "\(name) gradient \(outputGradient.shape) for output \(output.shape)")
        inputGradient.reuse(shape: output.shape)
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            output.scalars.withUnsafeBufferPointer { y in
                inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                    for i in 0..<dy.count { dx[i] = gradient(dy[i], y[i]) }
                }
            }
        }
        return inputGradient
    }
}
