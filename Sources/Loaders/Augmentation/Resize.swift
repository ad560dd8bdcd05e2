import Foundation

/// `image` resampled to `size`: torchvision's `transforms.v2.functional.resize` on a float tensor,
/// which is `torch.nn.functional.interpolate` with `align_corners=False`.
///
/// Bilinear with `antialias` (torchvision's default) averages over the source pixels a
/// downscaled output pixel covers (PyTorch's `_upsample_bilinear2d_aa`, PIL's filter), so thin
/// strokes do not break up; upscaling it is ordinary bilinear. Nearest takes the source pixel
/// `floor(i · in / out)` (PyTorch's legacy `nearest`, as torchvision uses it).
///
/// ```swift
/// let small = try resize(digit, size: [20, 20])    // [1, 20, 20]
/// ```
/// - Parameters:
///   - image: `[…, height, width]`.
///   - size: `[height, width]`, or `[side]` for the smaller edge, the other edge keeping the
///     aspect ratio (truncated, as torchvision's `int(side · long / short)`).
///   - interpolation: `.bilinear` (torchvision's default) or `.nearest`.
///   - antialias: ignored by `.nearest`, as torchvision ignores it.
/// - Throws: `LoaderError` `.mismatch` for an image of rank below 2.
/// - Complexity: O(planes × (input height × output width + output height × output width) × taps),
///   two separable passes.
public func resize(_ image: Tensor<Float>, size: [Int], interpolation: Interpolation = .bilinear, antialias: Bool = true) throws -> Tensor<Float> {
    let layout = try ImagePlanes(image, for: "resize")
    require(size.count == 1 || size.count == 2, "resize size must have one value (the smaller edge) or two ([height, width]), got \(size)")
    require(size.allSatisfy { $0 > 0 }, "resize size must be positive, got \(size)")
    let (height, width): (Int, Int)
    if size.count == 2 {
        (height, width) = (size[0], size[1])
    } else {
        let (short, long) = (min(layout.height, layout.width), max(layout.height, layout.width))
        let newLong = Int(Double(size[0] * long) / Double(short))
        (height, width) = layout.width <= layout.height ? (newLong, size[0]) : (size[0], newLong)
    }
    if (height, width) == (layout.height, layout.width) || image.count == 0 {
        return Tensor(shape: layout.shape(height: height, width: width), scalars: image.scalars)
    }
    let columns = ResamplingAxis(from: layout.width, to: width, interpolation: interpolation, antialias: antialias)
    let rows = ResamplingAxis(from: layout.height, to: height, interpolation: interpolation, antialias: antialias)
    // Across each row first, then down each column of the narrower intermediate image.
    var across = [Float](repeating: 0, count: layout.planes * layout.height * width)
    image.scalars.withUnsafeBufferPointer { source in
        across.withUnsafeMutableBufferPointer { target in
            for line in 0..<(layout.planes * layout.height) {
                columns.resample(source, from: line * layout.width, stride: 1, into: target, at: line * width, stride: 1)
            }
        }
    }
    var output = [Float](repeating: 0, count: layout.planes * height * width)
    across.withUnsafeBufferPointer { source in
        output.withUnsafeMutableBufferPointer { target in
            for plane in 0..<layout.planes {
                for column in 0..<width {
                    rows.resample(source, from: plane * layout.height * width + column, stride: width,
                                  into: target, at: plane * height * width + column, stride: width)
                }
            }
        }
    }
    return Tensor(shape: layout.shape(height: height, width: width), scalars: output)
}

/// How each output index along one axis mixes input pixels: `taps` weights from `starts[i]` on.
struct ResamplingAxis {
    let taps: Int
    let starts: [Int]
    let weights: [Float]

    init(from input: Int, to output: Int, interpolation: Interpolation, antialias: Bool) {
        var starts: [Int] = []
        var rows: [[Float]] = []
        switch (interpolation, antialias) {
        case (.nearest, _):
            // PyTorch's nearest_idx: the scale in Float, exact for equal and doubled sizes.
            let scale = Float(input) / Float(output)
            for i in 0..<output {
                let index = output == input ? i : output == 2 * input ? i >> 1 : min(Int((Float(i) * scale).rounded(.down)), input - 1)
                starts.append(index)
                rows.append([1])
            }
        case (.bilinear, false):
            // PyTorch's upsample_bilinear2d: source = scale · (i + 0.5) − 0.5, clamped at 0.
            let scale = Float(input) / Float(output)
            for i in 0..<output {
                let source = max(scale * (Float(i) + 0.5) - 0.5, 0)
                let index = min(Int(source), input - 1)
                let lambda = min(max(source - Float(index), 0), 1)
                starts.append(index)
                rows.append(index < input - 1 ? [1 - lambda, lambda] : [1])
            }
        case (.bilinear, true):
            // PyTorch's _compute_index_ranges_weights with the triangle filter: a downscale widens
            // the filter by the scale so it covers every input pixel under the output pixel.
            let scale = Double(input) / Double(output)
            let support = scale >= 1 ? scale : 1
            let inverse = scale >= 1 ? 1 / scale : 1
            for i in 0..<output {
                let center = scale * (Double(i) + 0.5)
                let first = max(Int(center - support + 0.5), 0)
                let count = min(Int(center + support + 0.5), input) - first
                var row = (0..<count).map { j in max(0, 1 - abs((Double(j + first) - center + 0.5) * inverse)) }
                let total = row.reduce(0, +)
                if total != 0 { row = row.map { $0 / total } }
                starts.append(first)
                rows.append(row.map { Float($0) })
            }
        }
        let taps = rows.map(\.count).max() ?? 0
        self.taps = taps
        self.starts = starts
        // Rows shorter than `taps` end in zero weights, which `resample` skips without reading.
        self.weights = rows.flatMap { $0 + [Float](repeating: 0, count: taps - $0.count) }
    }

    /// One line of the output (`starts.count` values `stride` apart) from one line of the input.
    @inline(__always)
    func resample(_ source: UnsafeBufferPointer<Float>, from origin: Int, stride: Int,
                  into target: UnsafeMutableBufferPointer<Float>, at destination: Int, stride outputStride: Int) {
        for i in 0..<starts.count {
            var value: Float = 0
            let base = origin + starts[i] * stride
            for tap in 0..<taps {
                let weight = weights[i * taps + tap]
                if weight != 0 { value += weight * source[base + tap * stride] }
            }
            target[destination + i * outputStride] = value
        }
    }
}

/// The part of `image` at (`top`, `left`) of `height × width`, resized to `size`: torchvision's
/// `transforms.v2.functional.resized_crop` (`crop`, then `resize`).
/// - Throws: `LoaderError` `.mismatch` for an image of rank below 2.
public func resizedCrop(
    _ image: Tensor<Float>, top: Int, left: Int, height: Int, width: Int, size: [Int],
    interpolation: Interpolation = .bilinear, antialias: Bool = true
) throws -> Tensor<Float> {
    try resize(crop(image, top: top, left: left, height: height, width: width), size: size,
               interpolation: interpolation, antialias: antialias)
}

/// Every image resized to `size`: torchvision's `transforms.v2.Resize`, `resize(_:size:…)`.
public struct Resize: ImageTransform {
    public let size: [Int]
    public let interpolation: Interpolation
    public let antialias: Bool

    /// - Parameters:
    ///   - size: `[height, width]`, or `[side]` for the smaller edge.
    ///   - interpolation: `.bilinear` (torchvision's default) or `.nearest`.
    ///   - antialias: average what a downscaled pixel covers, as torchvision's default.
    public init(size: [Int], interpolation: Interpolation = .bilinear, antialias: Bool = true) {
        require(size.count == 1 || size.count == 2, "Resize size must have one value (the smaller edge) or two ([height, width]), got \(size)")
        require(size.allSatisfy { $0 > 0 }, "Resize size must be positive, got \(size)")
        self.size = size
        self.interpolation = interpolation
        self.antialias = antialias
    }

    public func apply(_ image: Tensor<Float>, using random: inout SeededGenerator) throws -> Tensor<Float> {
        try resize(image, size: size, interpolation: interpolation, antialias: antialias)
    }
}

/// A random part of the image resized to `size`: torchvision's `transforms.v2.RandomResizedCrop`.
///
/// Up to ten times, draws an area (a fraction uniform in `scale` of the image's) and an aspect
/// ratio (log-uniform in `ratio`), rounds the width and height they give, and, when that fits,
/// draws the top and then the left uniformly; after ten misses, takes the largest central crop
/// whose ratio is within `ratio`. Then `resizedCrop(…)`.
///
/// ```swift
/// let zoom = RandomResizedCrop(size: [28], scale: 0.6...1)
/// ```
public struct RandomResizedCrop: ImageTransform {
    public let height: Int
    public let width: Int
    public let scale: ClosedRange<Double>
    public let ratio: ClosedRange<Double>
    public let interpolation: Interpolation
    public let antialias: Bool

    /// - Parameters:
    ///   - size: the output, `[side]` or `[height, width]`.
    ///   - scale: the crop's area as a fraction of the image's.
    ///   - ratio: the crop's width / height, positive.
    ///   - interpolation: `.bilinear` (torchvision's default) or `.nearest`.
    ///   - antialias: average what a downscaled pixel covers, as torchvision's default.
    public init(size: [Int], scale: ClosedRange<Double> = 0.08...1, ratio: ClosedRange<Double> = (3.0 / 4)...(4.0 / 3),
                interpolation: Interpolation = .bilinear, antialias: Bool = true) {
        (height, width) = squareOrPair(size, for: "RandomResizedCrop size")
        require(scale.lowerBound >= 0, "RandomResizedCrop scale must be non-negative, got \(scale)")
        require(ratio.lowerBound > 0, "RandomResizedCrop ratio must be positive, got \(ratio)")
        self.scale = scale
        self.ratio = ratio
        self.interpolation = interpolation
        self.antialias = antialias
    }

    public func apply(_ image: Tensor<Float>, using random: inout SeededGenerator) throws -> Tensor<Float> {
        let layout = try ImagePlanes(image, for: "RandomResizedCrop")
        let (top, left, cropHeight, cropWidth) = region(height: layout.height, width: layout.width, using: &random)
        return try resizedCrop(image, top: top, left: left, height: cropHeight, width: cropWidth, size: [height, width],
                               interpolation: interpolation, antialias: antialias)
    }

    /// torchvision's `make_params`: the crop's top, left, height and width.
    func region(height: Int, width: Int, using random: inout SeededGenerator) -> (top: Int, left: Int, height: Int, width: Int) {
        let area = Double(height * width)
        let logRatio = log(ratio.lowerBound)...log(ratio.upperBound)
        for _ in 0..<10 {
            let targetArea = area * random.uniform(scale)
            let aspectRatio = exp(random.uniform(logRatio))
            let w = (targetArea * aspectRatio).squareRoot().roundedLikePython
            let h = (targetArea / aspectRatio).squareRoot().roundedLikePython
            if 0 < w && w <= width && 0 < h && h <= height {
                let top = random.uniform(below: height - h + 1)
                let left = random.uniform(below: width - w + 1)
                return (top, left, h, w)
            }
        }
        let inRatio = Double(width) / Double(height)
        var (h, w) = (height, width)
        if inRatio < ratio.lowerBound {
            h = (Double(w) / ratio.lowerBound).roundedLikePython
        } else if inRatio > ratio.upperBound {
            w = (Double(h) * ratio.upperBound).roundedLikePython
        }
        return ((height - h) / 2, (width - w) / 2, h, w)
    }
}
