/// Mirrors an image left to right with probability `probability`, like torchvision's
/// `RandomHorizontalFlip`: the last dimension is reversed.
public struct RandomHorizontalFlip: ImageTransform {
    public let probability: Double

    /// - Precondition: `0 <= probability <= 1`.
    public init(probability: Double = 0.5) {
        require((0...1).contains(probability), "RandomHorizontalFlip probability must be in 0...1, got \(probability)")
        self.probability = probability
    }

    public func apply(_ image: Tensor<Float>, using random: inout SeededGenerator) throws -> Tensor<Float> {
        guard random.unitDouble() < probability else { return image }
        return try flipped(image, rows: false)
    }
}

/// Mirrors an image top to bottom with probability `probability`, like torchvision's
/// `RandomVerticalFlip`: the second-to-last dimension is reversed.
public struct RandomVerticalFlip: ImageTransform {
    public let probability: Double

    /// - Precondition: `0 <= probability <= 1`.
    public init(probability: Double = 0.5) {
        require((0...1).contains(probability), "RandomVerticalFlip probability must be in 0...1, got \(probability)")
        self.probability = probability
    }

    public func apply(_ image: Tensor<Float>, using random: inout SeededGenerator) throws -> Tensor<Float> {
        guard random.unitDouble() < probability else { return image }
        return try flipped(image, rows: true)
    }
}

/// `image` (`[…, height, width]`) with its rows (or each row's columns) in reverse order.
func flipped(_ image: Tensor<Float>, rows: Bool) throws -> Tensor<Float> {
    guard image.rank >= 2 else {
        throw LoaderError(.mismatch, "an image flip needs [height, width] or [channels, height, width], got \(image.shape)")
    }
    let (height, width) = (image.shape[image.rank - 2], image.shape[image.rank - 1])
    var scalars = image.scalars
    let source = image.scalars
    for plane in 0..<(height * width == 0 ? 0 : source.count / (height * width)) {
        let base = plane * height * width
        for y in 0..<height {
            for x in 0..<width {
                let from = rows ? base + (height - 1 - y) * width + x : base + y * width + (width - 1 - x)
                scalars[base + y * width + x] = source[from]
            }
        }
    }
    return Tensor(shape: image.shape, scalars: scalars)
}
