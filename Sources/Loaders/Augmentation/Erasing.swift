import Foundation

/// Erases a random rectangle of an image with probability `probability`, like torchvision's
/// `v2.RandomErasing` (Zhong et al., "Random Erasing Data Augmentation").
///
/// The rectangle is drawn as torchvision's `make_params` draws it: up to ten attempts, each with an
/// area of `scale` (a fraction of the image, uniform) and an aspect ratio of `ratio` (log-uniform),
/// kept when it fits inside the image; then its top row and left column, uniform. When no attempt
/// fits, the image is left as it is.
///
/// ```swift
/// let erasing = RandomErasing(probability: 0.25, value: .random)
/// ```
public struct RandomErasing: ImageTransform {
    /// What the erased pixels become.
    public enum Value: Sendable, Equatable {
        /// One value for every channel (torchvision's default is 0).
        case constant(Float)
        /// One value per channel.
        case perChannel([Float])
        /// Standard normal noise, drawn per pixel and channel (torchvision's `value="random"`).
        case random
    }

    public let probability: Double
    /// The range of the erased area, as a fraction of the image's.
    public let scale: ClosedRange<Double>
    /// The range of the erased rectangle's aspect ratio, height over width.
    public let ratio: ClosedRange<Double>
    public let value: Value

    /// - Precondition: `probability` and `scale` within 0...1, `ratio` positive.
    public init(probability: Double = 0.5, scale: ClosedRange<Double> = 0.02...0.33, ratio: ClosedRange<Double> = 0.3...3.3,
                value: Value = .constant(0)) {
        require((0...1).contains(probability), "RandomErasing probability must be in 0...1, got \(probability)")
        require(scale.lowerBound >= 0 && scale.upperBound <= 1, "RandomErasing scale must lie within 0...1, got \(scale)")
        require(ratio.lowerBound > 0 && ratio.upperBound.isFinite, "RandomErasing ratio must be positive and finite, got \(ratio)")
        if case .perChannel(let values) = value {
            require(!values.isEmpty, "RandomErasing value .perChannel needs at least one value")
        }
        self.probability = probability
        self.scale = scale
        self.ratio = ratio
        self.value = value
    }

    /// - Throws: `LoaderError` `.mismatch` for a tensor that is not an image, or a `.perChannel`
    ///   value whose count is neither 1 nor the image's channel count.
    public func apply(_ image: Tensor<Float>, using random: inout SeededGenerator) throws -> Tensor<Float> {
        guard random.unitDouble() < probability else { return image }
        let layout = try ImagePlanes(image, for: "RandomErasing")
        if case .perChannel(let values) = value, values.count != 1, values.count != layout.planes {
            throw LoaderError(.mismatch, "RandomErasing has \(values.count) values for an image of \(layout.planes) channels (shape \(image.shape))")
        }
        let area = Double(layout.height * layout.width)
        let logRatio = log(ratio.lowerBound)...log(ratio.upperBound)
        for _ in 0..<10 {
            let eraseArea = area * random.uniform(scale)
            let aspectRatio = exp(random.uniform(logRatio))
            // Python's round, as torchvision's int(round(…)): halves to even.
            let height = Int((eraseArea * aspectRatio).squareRoot().rounded(.toNearestOrEven))
            let width = Int((eraseArea / aspectRatio).squareRoot().rounded(.toNearestOrEven))
            guard height < layout.height && width < layout.width else { continue }
            let fill: Tensor<Float>
            switch value {
            case .constant(let value): fill = Tensor(shape: [1, 1, 1], scalars: [value])
            case .perChannel(let values): fill = Tensor(shape: [values.count, 1, 1], scalars: values)
            case .random:
                let count = layout.planes * height * width
                fill = Tensor(shape: [layout.planes, height, width], scalars: (0..<count).map { _ in random.nextNormal() })
            }
            let top = random.uniform(below: layout.height - height + 1)
            let left = random.uniform(below: layout.width - width + 1)
            return try erase(image, top: top, left: left, height: height, width: width, values: fill)
        }
        return image
    }
}

/// `image` with the rectangle of `height` rows from `top` and `width` columns from `left` set to
/// `value` in every channel, as torchvision's `v2.functional.erase` with a one-element `v`.
///
/// The rectangle is cut to the image, as the slice `image[..., top:top+height, left:left+width]`
/// in torchvision is.
/// - Throws: `LoaderError` `.mismatch` when `image` is not an image.
/// - Precondition: the four arguments are non-negative.
public func erase(_ image: Tensor<Float>, top: Int, left: Int, height: Int, width: Int, value: Float) throws -> Tensor<Float> {
    try erase(image, top: top, left: left, height: height, width: width, values: Tensor(shape: [1, 1, 1], scalars: [value]))
}

/// `image` with the rectangle of `height` rows from `top` and `width` columns from `left` set to
/// `values`, as torchvision's `v2.functional.erase` does with a tensor `v`: `values` has shape
/// `[channels, height, width]`, each dimension either as the rectangle's (or the image's channel
/// count) or 1, to be broadcast.
/// - Throws: `LoaderError` `.mismatch` when `image` is not an image or `values` does not broadcast
///   over the rectangle.
/// - Precondition: the four arguments are non-negative.
public func erase(_ image: Tensor<Float>, top: Int, left: Int, height: Int, width: Int, values: Tensor<Float>) throws -> Tensor<Float> {
    require(top >= 0 && left >= 0 && height >= 0 && width >= 0,
            "erase needs a non-negative top, left, height and width, got \(top), \(left), \(height), \(width)")
    let layout = try ImagePlanes(image, for: "erase")
    let rows = min(top, layout.height)..<min(top + height, layout.height)
    let columns = min(left, layout.width)..<min(left + width, layout.width)
    let needed = [layout.planes, rows.count, columns.count]
    guard values.rank == 3, zip(values.shape, needed).allSatisfy({ $0 == 1 || $0 == $1 }) else {
        throw LoaderError(.mismatch, "erase values of shape \(values.shape) do not broadcast over the erased \(needed)")
    }
    let strides = (values.shape[0] == 1 ? 0 : values.shape[1] * values.shape[2], values.shape[1] == 1 ? 0 : values.shape[2],
                   values.shape[2] == 1 ? 0 : 1)
    var scalars = image.scalars
    for channel in 0..<layout.planes {
        for (row, y) in rows.enumerated() {
            let start = channel * layout.planeSize + y * layout.width
            for (column, x) in columns.enumerated() {
                scalars[start + x] = values.scalars[channel * strides.0 + row * strides.1 + column * strides.2]
            }
        }
    }
    return Tensor(shape: image.shape, scalars: scalars)
}
