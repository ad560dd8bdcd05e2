/// A random rotation, translation, scale and shear: torchvision's `transforms.v2.RandomAffine`.
///
/// Draws, in torchvision's order: the angle uniformly in `degrees`; with `translate`, a shift of
/// `round(uniform(-maxX, maxX))` pixels with `maxX = translate.x · width`, then the same down the
/// height; with `scale`, a factor uniformly in it; with `shear`, an x shear uniformly in it, then
/// with `shearY` a y shear. Then `affine(…)` with those parameters.
///
/// ```swift
/// let jiggle = RandomAffine(degrees: -10...10, translate: (0.1, 0.1), scale: 0.9...1.1)
/// ```
public struct RandomAffine: ImageTransform {
    public let degrees: ClosedRange<Double>
    public let translate: (x: Double, y: Double)?
    public let scale: ClosedRange<Double>?
    public let shear: ClosedRange<Double>?
    public let shearY: ClosedRange<Double>?
    public let interpolation: Interpolation
    public let fill: Float?
    public let center: (Double, Double)?

    /// - Parameters:
    ///   - degrees: the range of the angle, in degrees.
    ///   - translate: the largest shift as a fraction of the width and of the height, each in 0...1.
    ///   - scale: positive factors.
    ///   - shear: x shear in degrees; `shearY` (which needs `shear`) adds a y shear, as
    ///     torchvision's four-value `shear` does.
    ///   - shearY: the range of the y shear, in degrees.
    ///   - interpolation: `.nearest` (torchvision's default) or `.bilinear`.
    ///   - fill: the value of pixels from outside the image (torchvision's default 0).
    ///   - center: the pivot in pixels from the top-left corner; the image's centre by default.
    public init(
        degrees: ClosedRange<Double>, translate: (x: Double, y: Double)? = nil, scale: ClosedRange<Double>? = nil,
        shear: ClosedRange<Double>? = nil, shearY: ClosedRange<Double>? = nil,
        interpolation: Interpolation = .nearest, fill: Float? = 0, center: (Double, Double)? = nil
    ) {
        if let translate {
            require((0...1).contains(translate.x) && (0...1).contains(translate.y),
                    "RandomAffine translate fractions must be in 0...1, got \(translate)")
        }
        if let scale {
            require(scale.lowerBound > 0, "RandomAffine scale must be positive, got \(scale)")
        }
        require(shearY == nil || shear != nil, "RandomAffine shearY \(String(describing: shearY)) needs shear (the x range) as well")
        self.degrees = degrees
        self.translate = translate
        self.scale = scale
        self.shear = shear
        self.shearY = shearY
        self.interpolation = interpolation
        self.fill = fill
        self.center = center
    }

    public func apply(_ image: Tensor<Float>, using random: inout SeededGenerator) throws -> Tensor<Float> {
        let layout = try ImagePlanes(image, for: "RandomAffine")
        let drawn = parameters(height: layout.height, width: layout.width, using: &random)
        return try affine(image, angle: drawn.angle, translate: drawn.translate, scale: drawn.scale, shear: drawn.shear,
                          interpolation: interpolation, fill: fill, center: center)
    }

    /// torchvision's `make_params` for an image of `height × width`.
    func parameters(height: Int, width: Int, using random: inout SeededGenerator)
        -> (angle: Double, translate: (Double, Double), scale: Double, shear: (Double, Double)) {
        let angle = random.uniform(degrees)
        var shift = (0.0, 0.0)
        if let translate {
            let (maxX, maxY) = (translate.x * Double(width), translate.y * Double(height))
            shift.0 = Double(random.uniform(-maxX...maxX).roundedLikePython)
            shift.1 = Double(random.uniform(-maxY...maxY).roundedLikePython)
        }
        let factor = scale.map { random.uniform($0) } ?? 1
        let shearX = shear.map { random.uniform($0) } ?? 0
        let shearY = shearY.map { random.uniform($0) } ?? 0
        return (angle, shift, factor, (shearX, shearY))
    }
}

/// A rotation by an angle drawn uniformly in `degrees`: torchvision's `transforms.v2.RandomRotation`,
/// then `rotate(…)`.
///
/// ```swift
/// let turn = RandomRotation(degrees: -15...15, interpolation: .bilinear)
/// ```
public struct RandomRotation: ImageTransform {
    public let degrees: ClosedRange<Double>
    public let interpolation: Interpolation
    public let expand: Bool
    public let fill: Float?
    public let center: (Double, Double)?

    /// - Parameters:
    ///   - degrees: the range of the angle, in degrees.
    ///   - interpolation: `.nearest` (torchvision's default) or `.bilinear`.
    ///   - expand: make the output large enough for the whole rotated image.
    ///   - fill: the value of pixels from outside the image (torchvision's default 0).
    ///   - center: the pivot in pixels from the top-left corner; the image's centre by default.
    public init(degrees: ClosedRange<Double>, interpolation: Interpolation = .nearest, expand: Bool = false,
                fill: Float? = 0, center: (Double, Double)? = nil) {
        self.degrees = degrees
        self.interpolation = interpolation
        self.expand = expand
        self.fill = fill
        self.center = center
    }

    public func apply(_ image: Tensor<Float>, using random: inout SeededGenerator) throws -> Tensor<Float> {
        try rotate(image, angle: random.uniform(degrees), interpolation: interpolation, expand: expand, fill: fill, center: center)
    }
}
