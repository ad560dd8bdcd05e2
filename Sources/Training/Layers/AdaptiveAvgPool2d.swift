import Loaders

/// Average pooling to a fixed output size whatever the input size, like PyTorch's
/// `nn.AdaptiveAvgPool2d`: output row `i` of `outputHeight` averages input rows
/// `⌊i·H / outputHeight⌋ ..< ⌈(i+1)·H / outputHeight⌉`, and likewise for columns, so windows may
/// differ in size and overlap.
///
/// ```swift
/// let pool = AdaptiveAvgPool2d(outputSize: 1)
/// let y = pool.forward(x)   // [64, 64, 7, 7] -> [64, 64, 1, 1]
/// ```
public final class AdaptiveAvgPool2d: Layer {
    public let outputHeight: Int
    public let outputWidth: Int
    public var isTraining = true
    public var computesInputGradient = true
    private var output = Tensor<Float>.empty
    private var inputGradient = Tensor<Float>.empty
    private var inputShape: [Int] = []

    /// - Precondition: both sizes are positive.
    public init(outputHeight: Int, outputWidth: Int) {
        require(outputHeight > 0 && outputWidth > 0, "AdaptiveAvgPool2d output size must be positive, got \(outputHeight)×\(outputWidth)")
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
    }

    /// A square output of `outputSize × outputSize`.
    public convenience init(outputSize: Int) {
        self.init(outputHeight: outputSize, outputWidth: outputSize)
    }

    public var parameters: [Parameter] { [] }

    /// PyTorch's window rule: `⌊index·input / output⌋ ..< ⌈(index+1)·input / output⌉`.
    static func window(_ index: Int, input: Int, output: Int) -> Range<Int> {
        (index * input / output)..<(((index + 1) * input + output - 1) / output)
    }

    public func forward(_ input: Tensor<Float>) -> Tensor<Float> {
        require(input.rank == 4, "AdaptiveAvgPool2d expects [batch, channels, height, width], got \(input.shape)")
        let (planes, h, w) = (input.shape[0] * input.shape[1], input.shape[2], input.shape[3])
        let (oh, ow) = (outputHeight, outputWidth)
        require(h > 0 && w > 0, "AdaptiveAvgPool2d needs a non-empty image, got \(input.shape)")
        output.reuse(shape: [input.shape[0], input.shape[1], oh, ow])
        inputShape = input.shape
        input.scalars.withUnsafeBufferPointer { x in
            output.scalars.withUnsafeMutableBufferPointer { y in
                for plane in 0..<planes {
                    for oy in 0..<oh {
                        let rows = Self.window(oy, input: h, output: oh)
                        for ox in 0..<ow {
                            let columns = Self.window(ox, input: w, output: ow)
                            var sum: Float = 0
                            for iy in rows {
                                for ix in columns { sum += x[(plane * h + iy) * w + ix] }
                            }
                            y[(plane * oh + oy) * ow + ox] = sum / Float(rows.count * columns.count)
                        }
                    }
                }
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor<Float>) -> Tensor<Float> {
        require(outputGradient.shape == output.shape, "AdaptiveAvgPool2d gradient \(outputGradient.shape) for output \(output.shape)")
        inputGradient.reuse(shape: inputShape)
        let (planes, h, w) = (inputShape[0] * inputShape[1], inputShape[2], inputShape[3])
        let (oh, ow) = (outputHeight, outputWidth)
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                dx.update(repeating: 0)
                for plane in 0..<planes {
                    for oy in 0..<oh {
                        let rows = Self.window(oy, input: h, output: oh)
                        for ox in 0..<ow {
                            let columns = Self.window(ox, input: w, output: ow)
                            let share = dy[(plane * oh + oy) * ow + ox] / Float(rows.count * columns.count)
                            for iy in rows {
                                for ix in columns { dx[(plane * h + iy) * w + ix] += share }
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }
}
