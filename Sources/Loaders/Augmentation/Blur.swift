import Foundation

/// Blurs an image with a Gaussian kernel whose standard deviation is drawn uniformly from `sigma`
/// for each sample, like torchvision's `v2.GaussianBlur` (one draw, used for both axes).
///
/// ```swift
/// let blur = GaussianBlur(kernelSize: 3, sigma: 0.1...2.0)
/// ```
public struct GaussianBlur: ImageTransform {
    /// The kernel's width and height in pixels, both odd.
    public let kernelSize: (width: Int, height: Int)
    public let sigma: ClosedRange<Double>

    /// - Precondition: both kernel sizes odd and positive, `sigma.lowerBound > 0`.
    public init(kernelSize: (width: Int, height: Int), sigma: ClosedRange<Double> = 0.1...2.0) {
        checkKernelSize(kernelSize)
        require(sigma.lowerBound > 0 && sigma.upperBound.isFinite, "GaussianBlur sigma must be positive and finite, got \(sigma)")
        self.kernelSize = kernelSize
        self.sigma = sigma
    }

    /// A square kernel of `kernelSize` pixels.
    public init(kernelSize: Int, sigma: ClosedRange<Double> = 0.1...2.0) {
        self.init(kernelSize: (kernelSize, kernelSize), sigma: sigma)
    }

    /// - Throws: `LoaderError` `.mismatch` for a tensor that is not an image, or one smaller than
    ///   the kernel's reach.
    public func apply(_ image: Tensor<Float>, using random: inout SeededGenerator) throws -> Tensor<Float> {
        let drawn = random.uniform(sigma)
        return try gaussianBlur(image, kernelSize: kernelSize, sigma: (drawn, drawn))
    }
}

/// `image` convolved with a Gaussian kernel, as torchvision's `v2.functional.gaussian_blur`:
/// the kernel `softmax(-(x / sigma)²)` over `x` evenly spaced in `±(size - 1) / (2√2)` (a
/// normalised Gaussian of standard deviation `sigma` at whole-pixel offsets), the image padded
/// by reflection (`edcb|abcde|dcba`), each channel on its own.
///
/// The kernel is separable, so it is applied as a row pass then a column pass: `width + height`
/// multiplications per pixel rather than `width · height`.
/// - Parameters:
///   - image: `[channels, height, width]` or `[height, width]`.
///   - kernelSize: the kernel's width and height, odd (torchvision's `kernel_size` `[x, y]`).
///   - sigma: the standard deviation along x and along y.
/// - Throws: `LoaderError` `.mismatch` when `image` is not an image, or is not larger than half
///   the kernel in each direction (reflection needs it).
/// - Precondition: the kernel sizes odd and positive, both sigmas positive.
public func gaussianBlur(_ image: Tensor<Float>, kernelSize: (width: Int, height: Int), sigma: (x: Double, y: Double)) throws -> Tensor<Float> {
    checkKernelSize(kernelSize)
    require(sigma.x > 0 && sigma.y > 0 && sigma.x.isFinite && sigma.y.isFinite, "gaussianBlur sigma must be positive and finite, got \(sigma)")
    let layout = try ImagePlanes(image, for: "gaussianBlur")
    let reach = (x: kernelSize.width / 2, y: kernelSize.height / 2)
    guard layout.planeSize == 0 || (reach.x < layout.width && reach.y < layout.height) else {
        throw LoaderError(.mismatch, "gaussianBlur's \(kernelSize.width)×\(kernelSize.height) kernel reflects beyond an image of \(layout.height)×\(layout.width) (shape \(image.shape))")
    }
    let kernelX = gaussianKernel(size: kernelSize.width, sigma: sigma.x)
    let kernelY = gaussianKernel(size: kernelSize.height, sigma: sigma.y)
    let (height, width) = (layout.height, layout.width)
    // Source index of each padded position: reflection without repeating the edge pixel.
    func reflected(_ index: Int, _ count: Int) -> Int {
        index < 0 ? -index : index >= count ? 2 * (count - 1) - index : index
    }
    let columnsFrom = (-reach.x..<width + reach.x).map { reflected($0, width) }
    let rowsFrom = (-reach.y..<height + reach.y).map { reflected($0, height) }
    var output = [Float](repeating: 0, count: image.count)
    var rowPass = [Float](repeating: 0, count: (height + 2 * reach.y) * width)
    image.scalars.withUnsafeBufferPointer { source in
        output.withUnsafeMutableBufferPointer { output in
            rowPass.withUnsafeMutableBufferPointer { rowPass in
                for channel in 0..<layout.planes {
                    let plane = channel * layout.planeSize
                    for (paddedRow, row) in rowsFrom.enumerated() {
                        for x in 0..<width {
                            var sum: Float = 0
                            for k in 0..<kernelX.count { sum += kernelX[k] * source[plane + row * width + columnsFrom[x + k]] }
                            rowPass[paddedRow * width + x] = sum
                        }
                    }
                    for y in 0..<height {
                        for x in 0..<width {
                            var sum: Float = 0
                            for k in 0..<kernelY.count { sum += kernelY[k] * rowPass[(y + k) * width + x] }
                            output[plane + y * width + x] = sum
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: image.shape, scalars: output)
}

/// A square kernel of `kernelSize` pixels with one `sigma` for both axes.
public func gaussianBlur(_ image: Tensor<Float>, kernelSize: Int, sigma: Double) throws -> Tensor<Float> {
    try gaussianBlur(image, kernelSize: (kernelSize, kernelSize), sigma: (sigma, sigma))
}

/// torchvision's `_get_gaussian_kernel1d`: `size` weights summing to 1.
func gaussianKernel(size: Int, sigma: Double) -> [Float] {
    let reach = Double(size - 1) / (2 * 2.0.squareRoot())
    let exponents = (0..<size).map { index -> Double in
        let x = size == 1 ? 0 : -reach + 2 * reach * Double(index) / Double(size - 1)
        return -(x / sigma) * (x / sigma)
    }
    let largest = exponents.max() ?? 0
    let weights = exponents.map { exp($0 - largest) }
    let total = weights.reduce(0, +)
    return weights.map { Float($0 / total) }
}

private func checkKernelSize(_ size: (width: Int, height: Int)) {
    require(size.width > 0 && size.width % 2 == 1 && size.height > 0 && size.height % 2 == 1,
            "Gaussian blur kernel sizes must be odd and positive, got \(size.width)×\(size.height)")
}
