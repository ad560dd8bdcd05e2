/// Adds Gaussian noise to every pixel, `x + mean + sigma · z` with z standard normal, clamped to
/// [0, 1] when `clip`, like torchvision's `v2.GaussianNoise` on a float image.
///
/// The noise is drawn from the sample's generator with `SeededGenerator.nextNormal`, one value per
/// element in row-major order.
///
/// ```swift
/// let noise = GaussianNoise(sigma: 0.05)
/// ```
public struct GaussianNoise: ImageTransform {
    public let mean: Float
    public let sigma: Float
    public let clip: Bool

    /// - Precondition: `sigma >= 0`, both finite.
    public init(mean: Float = 0, sigma: Float = 0.1, clip: Bool = true) {
        require(mean.isFinite, "GaussianNoise mean must be finite, got \(mean)")
        require(sigma >= 0 && sigma.isFinite, "GaussianNoise sigma must be non-negative and finite, got \(sigma)")
        self.mean = mean
        self.sigma = sigma
        self.clip = clip
    }

    public func apply(_ image: Tensor<Float>, using random: inout SeededGenerator) throws -> Tensor<Float> {
        var scalars = image.scalars
        for index in scalars.indices {
            let noisy = scalars[index] + random.nextNormal(mean: mean, standardDeviation: sigma)
            scalars[index] = clip ? min(max(noisy, 0), 1) : noisy
        }
        return Tensor(shape: image.shape, scalars: scalars)
    }
}
