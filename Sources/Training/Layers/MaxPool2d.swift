import Loaders

/// Max pooling over `[batch, channels, height, width]` with a square window, like PyTorch's
/// `nn.MaxPool2d` without padding (the stride defaults to the window size). The gradient flows
/// to the first maximal element of each window.
public final class MaxPool2d: Layer {
    public let kernelSize: Int
    public let stride: Int
    public var isTraining = true
    public var computesInputGradient = true
    private var output = Tensor<Float>.empty
    private var inputGradient = Tensor<Float>.empty
    private var inputShape: [Int] = []
    /// For each output element, the flat index of its maximum in the input.
    private var argmax: [Int32] = []

    /// - Precondition: `kernelSize` and `stride` are positive.
    public init(kernelSize: Int, stride: Int? = nil) {
        require(kernelSize > 0 && (stride ?? kernelSize) > 0, "MaxPool2d sizes must be positive")
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
    }

    public var parameters: [Parameter] { [] }

    public func forward(_ input: Tensor<Float>) -> Tensor<Float> {
        require(input.rank == 4, "MaxPool2d expects [batch, channels, height, width], got \(input.shape)")
        let (planes, h, w) = (input.shape[0] * input.shape[1], input.shape[2], input.shape[3])
        let (k, s) = (kernelSize, stride)
        let oh = (h - k) / s + 1, ow = (w - k) / s + 1
        require(h >= k && w >= k, "MaxPool2d window \(k) larger than input \(input.shape)")
        output.reuse(shape: [input.shape[0], input.shape[1], oh, ow])
        if argmax.count != output.count { argmax = [Int32](repeating: 0, count: output.count) }
        inputShape = input.shape
        input.scalars.withUnsafeBufferPointer { x in
            output.scalars.withUnsafeMutableBufferPointer { y in
                argmax.withUnsafeMutableBufferPointer { arg in
                    for plane in 0..<planes {
                        for oy in 0..<oh {
                            for ox in 0..<ow {
                                var best = plane * h * w + oy * s * w + ox * s
                                for ky in 0..<k {
                                    for kx in 0..<k {
                                        let index = plane * h * w + (oy * s + ky) * w + ox * s + kx
                                        if x[index] > x[best] { best = index }
                                    }
                                }
                                let o = (plane * oh + oy) * ow + ox
                                y[o] = x[best]
                                arg[o] = Int32(best)
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor<Float>) -> Tensor<Float> {
        require(outputGradient.shape == output.shape, "MaxPool2d gradient \(outputGradient.shape) for output \(output.shape)")
        inputGradient.reuse(shape: inputShape)
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            argmax.withUnsafeBufferPointer { arg in
                inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                    dx.update(repeating: 0)
                    for o in 0..<dy.count { dx[Int(arg[o])] += dy[o] }
                }
            }
        }
        return inputGradient
    }
}
