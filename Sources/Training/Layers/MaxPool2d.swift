import Loaders

/// Max pooling over `[batch, channels, height, width]` with a square window, like PyTorch's
/// `nn.MaxPool2d` without padding (the stride defaults to the window size). The gradient flows
/// to the first maximal element of each window. Planes are split across `ComputeThreads`.
///
/// Inside a `Sequential` directly after a `Conv2d` (and its `ReLU`), it is fused into the
/// convolution, which pools each image while it is in cache; this object's own passes are then
/// not called.
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

    /// The pooled height and width of a `height × width` plane.
    func outputSize(height: Int, width: Int) -> (height: Int, width: Int) {
        require(height >= kernelSize && width >= kernelSize,
                "MaxPool2d window \(kernelSize) larger than its \(height) × \(width) input")
        return ((height - kernelSize) / stride + 1, (width - kernelSize) / stride + 1)
    }

    public func forward(_ input: Tensor<Float>) -> Tensor<Float> {
        require(input.rank == 4, "MaxPool2d expects [batch, channels, height, width], got \(input.shape)")
        let (planes, h, w) = (input.shape[0] * input.shape[1], input.shape[2], input.shape[3])
        let (oh, ow) = outputSize(height: h, width: w)
        output.reuse(shape: [input.shape[0], input.shape[1], oh, ow])
        if argmax.count != output.count { argmax = [Int32](repeating: 0, count: output.count) }
        inputShape = input.shape
        input.scalars.withUnsafeBufferPointer { x in
            output.scalars.withUnsafeMutableBufferPointer { y in
                argmax.withUnsafeMutableBufferPointer { arg in
                    // Planes are independent: each thread takes whole planes, in and out.
                    ComputeThreads.parallelChunks(planes, minimumChunk: max(1, 4096 / (h * w))) { _, range in
                        pool(x.baseAddress! + range.lowerBound * h * w, planes: range.count, height: h, width: w,
                             offset: range.lowerBound * h * w,
                             into: y.baseAddress! + range.lowerBound * oh * ow, arg.baseAddress! + range.lowerBound * oh * ow)
                    }
                }
            }
        }
        return output
    }

    /// Pools `planes` consecutive `height × width` planes at `source` into `out`, writing each
    /// maximum's index in `source`, plus `offset`, to `indices`.
    func pool(
        _ source: UnsafePointer<Float>, planes: Int, height h: Int, width w: Int, offset: Int,
        into out: UnsafeMutablePointer<Float>, _ indices: UnsafeMutablePointer<Int32>
    ) {
        let (k, s) = (kernelSize, stride)
        let (oh, ow) = outputSize(height: h, width: w)
        for plane in 0..<planes {
            let (x, first) = (source + plane * h * w, plane * h * w)
            let (y, arg) = (out + plane * oh * ow, indices + plane * oh * ow)
            if k == 2 && s == 2 {
                Self.pool2x2(x, width: w, outputHeight: oh, outputWidth: ow, offset: offset + first, into: y, arg)
                continue
            }
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var best = oy * s * w + ox * s
                    var top = x[best]
                    for ky in 0..<k {
                        let row = (oy * s + ky) * w + ox * s
                        for kx in 0..<k where x[row + kx] > top {
                            best = row + kx
                            top = x[best]
                        }
                    }
                    y[oy * ow + ox] = top
                    arg[oy * ow + ox] = Int32(offset + first + best)
                }
            }
        }
    }

    /// The common 2×2 window with stride 2, unrolled: the generic loop's inner loops of two
    /// steps cost more than the comparisons. `offset` is the plane's first index in the input.
    @inline(__always)
    private static func pool2x2(
        _ source: UnsafePointer<Float>, width w: Int, outputHeight oh: Int, outputWidth ow: Int, offset: Int,
        into out: UnsafeMutablePointer<Float>, _ indices: UnsafeMutablePointer<Int32>
    ) {
        for oy in 0..<oh {
            let top = 2 * oy * w, bottom = top + w
            for ox in 0..<ow {
                let i = 2 * ox
                var best = top + i
                var value = source[best]
                if source[top + i + 1] > value { best = top + i + 1; value = source[best] }
                if source[bottom + i] > value { best = bottom + i; value = source[best] }
                if source[bottom + i + 1] > value { best = bottom + i + 1; value = source[best] }
                out[oy * ow + ox] = value
                indices[oy * ow + ox] = Int32(offset + best)
            }
        }
    }

    public func backward(_ outputGradient: Tensor<Float>) -> Tensor<Float> {
        require(outputGradient.shape == output.shape, "MaxPool2d gradient \(outputGradient.shape) for output \(output.shape)")
        inputGradient.reuse(shape: inputShape)
        let (planes, inputPlane) = (inputShape[0] * inputShape[1], inputShape[2] * inputShape[3])
        let outputPlane = output.count / max(1, planes)
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            argmax.withUnsafeBufferPointer { arg in
                inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                    // Every window's maximum lies in its own plane, so threads taking whole planes
                    // write disjoint memory.
                    ComputeThreads.parallelChunks(planes, minimumChunk: max(1, 4096 / inputPlane)) { _, range in
                        (dx.baseAddress! + range.lowerBound * inputPlane).update(repeating: 0, count: range.count * inputPlane)
                        for o in range.lowerBound * outputPlane..<range.upperBound * outputPlane {
                            dx[Int(arg[o])] += dy[o]
                        }
                    }
                }
            }
        }
        return inputGradient
    }
}
