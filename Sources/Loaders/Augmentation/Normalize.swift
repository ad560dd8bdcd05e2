/// Standardises each channel, `(x - mean[c]) / std[c]`, like torchvision's `v2.Normalize`:
/// the last step of an augmentation, after the transforms that expect pixels in [0, 1].
///
/// ```swift
/// let augmentation = Augmentation([RandomErasing(), Normalize(mean: [0.1307], std: [0.3081])])
/// ```
public struct Normalize: ImageTransform {
    /// One mean per channel, or one for all.
    public let mean: [Float]
    /// One standard deviation per channel, or one for all.
    public let std: [Float]

    /// - Precondition: `mean` and `std` are not empty, and every `std` is non-zero.
    public init(mean: [Float], std: [Float]) {
        require(!mean.isEmpty && mean.allSatisfy(\.isFinite), "Normalize mean must be one or more finite numbers, got \(mean)")
        require(!std.isEmpty && std.allSatisfy { $0.isFinite && $0 != 0 }, "Normalize std must be one or more finite, non-zero numbers, got \(std)")
        self.mean = mean
        self.std = std
    }

    /// Draws nothing: the same for every sample.
    public func apply(_ image: Tensor<Float>, using random: inout SeededGenerator) throws -> Tensor<Float> {
        try normalize(image, mean: mean, std: std)
    }
}

/// `image` with channel `c` mapped to `(x - mean[c]) / std[c]`, as torchvision's
/// `v2.functional.normalize` (a subtraction, then a division, in `Float`).
/// - Parameters:
///   - image: `[channels, height, width]` or `[height, width]`.
///   - mean: one value per channel, or one for every channel (broadcast, as torch does).
///   - std: as `mean`.
/// - Throws: `LoaderError` `.mismatch` when `image` is not an image or has another channel count.
/// - Precondition: every `std` is non-zero.
public func normalize(_ image: Tensor<Float>, mean: [Float], std: [Float]) throws -> Tensor<Float> {
    require(std.allSatisfy { $0 != 0 }, "normalize std must be non-zero, got \(std)")
    let layout = try ImagePlanes(image, for: "normalize")
    for (name, values) in [("mean", mean), ("std", std)] where values.count != 1 && values.count != layout.planes {
        throw LoaderError(.mismatch, "normalize has \(values.count) \(name) values for an image of \(layout.planes) channels (shape \(image.shape))")
    }
    var scalars = image.scalars
    scalars.withUnsafeMutableBufferPointer { pixels in
        for channel in 0..<layout.planes {
            let (m, s) = (mean[mean.count == 1 ? 0 : channel], std[std.count == 1 ? 0 : channel])
            for index in layout.plane(channel) { pixels[index] = (pixels[index] - m) / s }
        }
    }
    return Tensor(shape: image.shape, scalars: scalars)
}
