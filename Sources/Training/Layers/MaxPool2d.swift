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

    /// The common 2×2 window with stride 2, unrolled, eight windows at a time in vector lanes
    /// where a row has that many. Each row's pair is reduced first, then the two rows, so the
    /// comparisons form a tree rather than a chain, and they select instead of branching (which
    /// element of a window is largest is as good as random). The first of equal maxima in
    /// row-major order wins, as in the generic loop: the lower row only where it is strictly
    /// larger. `offset` is the plane's first index in the input.
    @inline(__always)
    private static func pool2x2(
        _ source: UnsafePointer<Float>, width w: Int, outputHeight oh: Int, outputWidth ow: Int, offset: Int,
        into out: UnsafeMutablePointer<Float>, _ indices: UnsafeMutablePointer<Int32>
    ) {
        let lanes = SIMD8<Int32>(0, 2, 4, 6, 8, 10, 12, 14)
        for oy in 0..<oh {
            let top = 2 * oy * w, bottom = top + w
            let (y, arg) = (out + oy * ow, indices + oy * ow)
            var ox = 0
            while ox + 8 <= ow {
                let i = 2 * ox
                let upper = UnsafeRawPointer(source + top + i).loadUnaligned(as: SIMD16<Float>.self)
                let lower = UnsafeRawPointer(source + bottom + i).loadUnaligned(as: SIMD16<Float>.self)
                let first = SIMD8<Int32>(repeating: Int32(offset + top + i)) &+ lanes
                var value = upper.evenHalf, best = first
                keepLarger(upper.oddHalf, at: first &+ 1, in: &value, &best)
                var lowerValue = lower.evenHalf, lowerBest = first &+ Int32(w)
                keepLarger(lower.oddHalf, at: lowerBest &+ 1, in: &lowerValue, &lowerBest)
                keepLarger(lowerValue, at: lowerBest, in: &value, &best)
                UnsafeMutableRawPointer(y + ox).storeBytes(of: value, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(arg + ox).storeBytes(of: best, as: SIMD8<Int32>.self)
                ox += 8
            }
            while ox < ow {
                let i = 2 * ox
                var value = source[top + i], best = top + i
                keepLarger(source[top + i + 1], at: top + i + 1, in: &value, &best)
                var lowerValue = source[bottom + i], lowerBest = bottom + i
                keepLarger(source[bottom + i + 1], at: bottom + i + 1, in: &lowerValue, &lowerBest)
                keepLarger(lowerValue, at: lowerBest, in: &value, &best)
                y[ox] = value
                arg[ox] = Int32(truncatingIfNeeded: offset + best)
                ox += 1
            }
        }
    }

    /// Takes each lane of `candidate` where it is larger than `value`, with its index.
    @inline(__always)
    private static func keepLarger(_ candidate: SIMD8<Float>, at index: SIMD8<Int32>, in value: inout SIMD8<Float>, _ best: inout SIMD8<Int32>) {
        let larger = candidate .> value
        value.replace(with: candidate, where: larger)
        best.replace(with: index, where: larger)
    }

    /// Takes `candidate` where it is larger than `value`, with its index, selecting rather than branching.
    @inline(__always)
    private static func keepLarger(_ candidate: Float, at index: Int, in value: inout Float, _ best: inout Int) {
        let larger = candidate > value
        value = larger ? candidate : value
        best = larger ? index : best
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
