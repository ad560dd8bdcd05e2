import Foundation

/// `image` with each pixel sampled from its own place moved by `displacement`: torchvision's
/// `transforms.v2.functional.elastic` on a float tensor (its identity grid plus the displacement,
/// then `_apply_grid_transform`).
///
/// - Parameters:
///   - image: `[…, height, width]`.
///   - displacement: `[height, width, 2]` (or torchvision's `[1, height, width, 2]`): the x and y
///     shift of each pixel in `grid_sample`'s normalised units, where 2 is the image's width
///     (height).
///   - interpolation: `.bilinear` (torchvision's default) or `.nearest`.
///   - fill: the value of pixels from outside the image; `nil` is torchvision's `None`.
/// - Throws: `LoaderError` `.mismatch` for an image of rank below 2 or a displacement of another size.
public func elastic(_ image: Tensor<Float>, displacement: Tensor<Float>, interpolation: Interpolation = .bilinear, fill: Float? = nil) throws -> Tensor<Float> {
    let layout = try ImagePlanes(image, for: "elastic")
    guard displacement.shape == [layout.height, layout.width, 2] || displacement.shape == [1, layout.height, layout.width, 2] else {
        throw LoaderError(.mismatch, "elastic needs a displacement of [\(layout.height), \(layout.width), 2] for an image of \(image.shape), got \(displacement.shape)")
    }
    let grid = DisplacedGrid(height: layout.height, width: layout.width, displacement: displacement.scalars)
    return gridSample(image, layout, grid: grid, interpolation: interpolation, fill: fill)
}

/// Random smooth displacements of every pixel: torchvision's `transforms.v2.ElasticTransform`.
///
/// Draws uniform noise in [-1, 1) for every pixel's x shift and then for its y shift, smooths
/// each with a Gaussian blur (kernel `8σ + 1` made odd, σ `sigma.x` across and `sigma.y` down,
/// reflected edges, as torchvision blurs both fields with both sigmas), scales the x field by
/// `alpha.x / width` and the y field by `alpha.y / height`, then calls `elastic(…)`.
///
/// ```swift
/// let wobble = ElasticTransform(alpha: 34, sigma: 4)
/// ```
public struct ElasticTransform: ImageTransform {
    public let alpha: (x: Double, y: Double)
    public let sigma: (x: Double, y: Double)
    public let interpolation: Interpolation
    public let fill: Float?

    /// - Parameters:
    ///   - alpha: the strength of the displacement, non-negative.
    ///   - sigma: the smoothness (the blur's σ in pixels), non-negative; 0 leaves the noise unblurred.
    ///   - interpolation: `.bilinear` (torchvision's default) or `.nearest`.
    ///   - fill: the value of pixels from outside the image (torchvision's default 0).
    public init(alpha: Double = 50, sigma: Double = 5, interpolation: Interpolation = .bilinear, fill: Float? = 0) {
        self.init(alpha: (alpha, alpha), sigma: (sigma, sigma), interpolation: interpolation, fill: fill)
    }

    /// Different strengths and smoothness across (`x`) and down (`y`).
    public init(alpha: (x: Double, y: Double), sigma: (x: Double, y: Double), interpolation: Interpolation = .bilinear, fill: Float? = 0) {
        require(alpha.x >= 0 && alpha.y >= 0, "ElasticTransform alpha must be non-negative, got \(alpha)")
        require(sigma.x >= 0 && sigma.y >= 0, "ElasticTransform sigma must be non-negative, got \(sigma)")
        self.alpha = alpha
        self.sigma = sigma
        self.interpolation = interpolation
        self.fill = fill
    }

    /// - Throws: `LoaderError` `.mismatch` for an image of rank below 2 or smaller than half the
    ///   blur's kernel (which reflection padding cannot cover, as in torchvision).
    public func apply(_ image: Tensor<Float>, using random: inout SeededGenerator) throws -> Tensor<Float> {
        let layout = try ImagePlanes(image, for: "ElasticTransform")
        let pixels = layout.height * layout.width
        let noiseX = (0..<pixels).map { _ in Float(random.unitDouble()) * 2 - 1 }
        let noiseY = (0..<pixels).map { _ in Float(random.unitDouble()) * 2 - 1 }
        let field = try displacement(noiseX: noiseX, noiseY: noiseY, height: layout.height, width: layout.width)
        return try elastic(image, displacement: field, interpolation: interpolation, fill: fill)
    }

    /// The displacement `make_params` makes from the noise fields: blurred, scaled, interleaved
    /// as `[height, width, 2]`.
    func displacement(noiseX: [Float], noiseY: [Float], height: Int, width: Int) throws -> Tensor<Float> {
        let dx = try smoothed(noiseX, height: height, width: width, kernelSigma: sigma.x)
        let dy = try smoothed(noiseY, height: height, width: width, kernelSigma: sigma.y)
        let (alphaX, alphaY) = (Float(alpha.x), Float(alpha.y))
        var scalars = [Float](repeating: 0, count: 2 * height * width)
        for point in 0..<(height * width) {
            scalars[2 * point] = dx[point] * alphaX / Float(width)
            scalars[2 * point + 1] = dy[point] * alphaY / Float(height)
        }
        return Tensor(shape: [height, width, 2], scalars: scalars)
    }

    /// `field` blurred as torchvision's `gaussian_blur` with kernel size from `kernelSigma` and
    /// σ `sigma.x` across, `sigma.y` down; unchanged when `kernelSigma` is 0.
    private func smoothed(_ field: [Float], height: Int, width: Int, kernelSigma: Double) throws -> [Float] {
        guard kernelSigma > 0 else { return field }
        var size = Int(8 * kernelSigma + 1)
        if size % 2 == 0 { size += 1 }
        guard size / 2 < height && size / 2 < width else {
            throw LoaderError(.mismatch, "ElasticTransform with sigma \(kernelSigma) blurs with a kernel of \(size), too large for an image of \(height) × \(width)")
        }
        return try gaussianBlur(Tensor(shape: [1, height, width], scalars: field), kernelSize: (size, size), sigma: (sigma.x, sigma.y)).scalars
    }
}
