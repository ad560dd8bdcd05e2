import Loaders

/// Average pooling over `[batch, channels, height, width]` with a square window, like PyTorch's
/// `nn.AvgPool2d` with its defaults: the stride defaults to the window size, zero padding counts
/// towards each average (`count_include_pad=True`), and the output size rounds down.
///
/// ```swift
/// let pool = AvgPool2d(kernelSize: 2)
/// let y = pool.forward(x)   // [64, 16, 10, 10] -> [64, 16, 5, 5]
/// ```
public final class AvgPool2d: Layer {
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    public var isTraining = true
    public var computesInputGradient = true
    private var output = Tensor<Float>.empty
    private var inputGradient = Tensor<Float>.empty
    private var inputShape: [Int] = []

    /// - Precondition: `kernelSize` and `stride` positive, `0 ≤ padding ≤ kernelSize / 2` (PyTorch's limit).
    public init(kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        require(kernelSize > 0 && (stride ?? kernelSize) > 0, "AvgPool2d sizes must be positive")
        require(padding >= 0 && padding <= kernelSize / 2,
                "AvgPool2d padding must be between 0 and half the kernel size, got \(padding) for kernel \(kernelSize)")
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
    }

    public var parameters: [Parameter] { [] }

    /// The output height or width for an input extent, zero when the window does not fit.
    func outputExtent(_ extent: Int) -> Int {
        let padded = extent + 2 * padding
        return padded < kernelSize ? 0 : (padded - kernelSize) / stride + 1
    }

    public func forward(_ input: Tensor<Float>) -> Tensor<Float> {
        require(input.rank == 4, "AvgPool2d expects [batch, channels, height, width], got \(input.shape)")
        let (planes, h, w) = (input.shape[0] * input.shape[1], input.shape[2], input.shape[3])
        let (oh, ow) = (outputExtent(h), outputExtent(w))
        require(oh > 0 && ow > 0, "AvgPool2d window \(kernelSize) larger than padded input \(input.shape)")
        output.reuse(shape: [input.shape[0], input.shape[1], oh, ow])
        inputShape = input.shape
        let divisor = Float(kernelSize * kernelSize)
        input.scalars.withUnsafeBufferPointer { x in
            output.scalars.withUnsafeMutableBufferPointer { y in
                for plane in 0..<planes {
                    for oy in 0..<oh {
                        let rows = window(oy, h)
                        for ox in 0..<ow {
                            var sum: Float = 0
                            for iy in rows {
                                for ix in window(ox, w) { sum += x[(plane * h + iy) * w + ix] }
                            }
                            y[(plane * oh + oy) * ow + ox] = sum / divisor
                        }
                    }
                }
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor<Float>) -> Tensor<Float> {
        require(outputGradient.shape == output.shape, "AvgPool2d gradient \(outputGradient.shape) for output \(output.shape)")
        inputGradient.reuse(shape: inputShape)
        let (planes, h, w) = (inputShape[0] * inputShape[1], inputShape[2], inputShape[3])
        let (oh, ow) = (output.shape[2], output.shape[3])
        let divisor = Float(kernelSize * kernelSize)
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                dx.update(repeating: 0)
                for plane in 0..<planes {
                    for oy in 0..<oh {
                        for ox in 0..<ow {
                            let share = dy[(plane * oh + oy) * ow + ox] / divisor
                            for iy in window(oy, h) {
                                for ix in window(ox, w) { dx[(plane * h + iy) * w + ix] += share }
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }

    /// The input positions of output position `index`'s window that fall inside the image.
    private func window(_ index: Int, _ extent: Int) -> Range<Int> {
        let start = index * stride - padding
        return max(start, 0)..<min(start + kernelSize, extent)
    }
}
