/// Moves an image by a whole number of pixels along each axis, each distance drawn uniformly in
/// `pixels` with a random sign, the uncovered pixels `fill`: a distortion to measure a model
/// against (MNIST's digits shifted by 2 to 3 pixels), not one of torchvision's transforms.
///
/// Draws, in order: the x distance, its sign, the y distance, its sign; then `affine(…)` with that
/// translation and nearest interpolation, which moves pixels exactly.
public struct RandomShift: ImageTransform {
    public let pixels: ClosedRange<Int>
    public let fill: Float

    /// - Precondition: `pixels.lowerBound >= 0`.
    public init(pixels: ClosedRange<Int>, fill: Float = 0) {
        require(pixels.lowerBound >= 0, "RandomShift pixels must be non-negative, got \(pixels)")
        self.pixels = pixels
        self.fill = fill
    }

    public func apply(_ image: Tensor<Float>, using random: inout SeededGenerator) throws -> Tensor<Float> {
        func distance() -> Double {
            let size = pixels.lowerBound + random.uniform(below: pixels.count)
            return Double(random.uniform(below: 2) == 0 ? -size : size)
        }
        let (x, y) = (distance(), distance())
        return try affine(image, angle: 0, translate: (x, y), scale: 1, shear: (0, 0), interpolation: .nearest, fill: fill)
    }
}
