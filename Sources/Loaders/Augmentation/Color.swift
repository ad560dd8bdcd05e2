/// Changes brightness and contrast by random factors, in random order, like torchvision's
/// `v2.ColorJitter` with its brightness and contrast arguments (the two that apply to grayscale).
///
/// As torchvision's `make_params`: first the order of the adjustments (a random permutation),
/// then the brightness factor, then the contrast factor, each uniform in its range; an adjustment
/// whose range is exactly 1...1 draws nothing and is skipped.
///
/// ```swift
/// let jitter = ColorJitter(brightness: 0.2, contrast: 0.2)   // factors in 0.8...1.2
/// ```
public struct ColorJitter: ImageTransform {
    /// The range of the brightness factor, or nil for none.
    public let brightness: ClosedRange<Double>?
    /// The range of the contrast factor, or nil for none.
    public let contrast: ClosedRange<Double>?

    /// Factors uniform in `max(0, 1 - b)...1 + b`, as torchvision takes a single number.
    /// - Precondition: `brightness >= 0`, `contrast >= 0`.
    public init(brightness: Double = 0, contrast: Double = 0) {
        require(brightness >= 0 && brightness.isFinite, "ColorJitter brightness must be non-negative, got \(brightness)")
        require(contrast >= 0 && contrast.isFinite, "ColorJitter contrast must be non-negative, got \(contrast)")
        self.init(brightness: max(0, 1 - brightness)...(1 + brightness), contrast: max(0, 1 - contrast)...(1 + contrast))
    }

    /// Factors uniform in the ranges given, as torchvision takes a pair.
    /// - Precondition: the ranges non-negative and finite.
    public init(brightness: ClosedRange<Double>?, contrast: ClosedRange<Double>?) {
        for (name, range) in [("brightness", brightness), ("contrast", contrast)] {
            guard let range else { continue }
            require(range.lowerBound >= 0 && range.upperBound.isFinite, "ColorJitter \(name) must lie within 0...∞, got \(range)")
        }
        // torchvision's _check_input: the identity range is no adjustment at all.
        self.brightness = brightness == 1...1 ? nil : brightness
        self.contrast = contrast == 1...1 ? nil : contrast
    }

    /// - Throws: `LoaderError` `.mismatch` for an image of other than 1 or 3 channels.
    public func apply(_ image: Tensor<Float>, using random: inout SeededGenerator) throws -> Tensor<Float> {
        let order = random.permutation(of: 2)
        let brightnessFactor = brightness.map { random.uniform($0) }
        let contrastFactor = contrast.map { random.uniform($0) }
        var output = image
        for adjustment in order {
            if adjustment == 0, let brightnessFactor {
                output = try adjustBrightness(output, factor: brightnessFactor)
            } else if adjustment == 1, let contrastFactor {
                output = try adjustContrast(output, factor: contrastFactor)
            }
        }
        return output
    }
}

/// `image` scaled by `factor` and clamped to [0, 1], as torchvision's
/// `v2.functional.adjust_brightness` on a float image.
/// - Throws: `LoaderError` `.mismatch` for an image of other than 1 or 3 channels.
/// - Precondition: `factor >= 0`.
public func adjustBrightness(_ image: Tensor<Float>, factor: Double) throws -> Tensor<Float> {
    require(factor >= 0 && factor.isFinite, "adjustBrightness factor must be non-negative, got \(factor)")
    _ = try colorLayout(of: image, for: "adjustBrightness")
    let factor = Float(factor)
    return Tensor(shape: image.shape, scalars: image.scalars.map { min(max($0 * factor, 0), 1) })
}

/// `image` blended with the mean of its grayscale version, `factor · x + (1 - factor) · mean`,
/// clamped to [0, 1], as torchvision's `v2.functional.adjust_contrast` on a float image (the
/// grayscale of three channels weighs them 0.2989, 0.587, 0.114).
/// - Throws: `LoaderError` `.mismatch` for an image of other than 1 or 3 channels.
/// - Precondition: `factor >= 0`.
public func adjustContrast(_ image: Tensor<Float>, factor: Double) throws -> Tensor<Float> {
    require(factor >= 0 && factor.isFinite, "adjustContrast factor must be non-negative, got \(factor)")
    let layout = try colorLayout(of: image, for: "adjustContrast")
    var total: Double = 0
    if layout.planes == 1 {
        for value in image.scalars { total += Double(value) }
    } else {
        let pixels = image.scalars
        for index in 0..<layout.planeSize {
            let (r, g, b) = (pixels[index], pixels[layout.planeSize + index], pixels[2 * layout.planeSize + index])
            total += Double(r * 0.2989 + g * 0.587 + b * 0.114)
        }
    }
    let mean = Float(total / Double(max(layout.planeSize, 1)))
    let (ratio, offset) = (Float(factor), mean * Float(1 - factor))
    return Tensor(shape: image.shape, scalars: image.scalars.map { min(max($0 * ratio + offset, 0), 1) })
}

/// The layout of an image the color adjustments take: 1 or 3 channels, as torchvision's.
private func colorLayout(of image: Tensor<Float>, for function: String) throws -> ImagePlanes {
    let layout = try ImagePlanes(image, for: function)
    guard layout.planes == 1 || layout.planes == 3 else {
        throw LoaderError(.mismatch, "\(function) takes images of 1 or 3 channels, got shape \(image.shape)")
    }
    return layout
}
