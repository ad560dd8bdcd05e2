/// `image` with `fill` added around it: torchvision's `transforms.v2.functional.pad` with
/// `padding_mode="constant"`.
///
/// - Parameters:
///   - image: `[…, height, width]`.
///   - padding: pixels to add, as torchvision takes them: one value for every side, two for
///     `[left and right, top and bottom]`, four for `[left, top, right, bottom]`; non-negative.
///   - fill: the value of the added pixels.
/// - Throws: `LoaderError` `.mismatch` for an image of rank below 2.
public func pad(_ image: Tensor<Float>, padding: [Int], fill: Float = 0) throws -> Tensor<Float> {
    let layout = try ImagePlanes(image, for: "pad")
    let (left, top, right, bottom) = sides(of: padding)
    return window(image, layout, top: -top, left: -left, height: layout.height + top + bottom,
                  width: layout.width + left + right, fill: fill)
}

/// The `height × width` part of `image` whose top-left pixel is (`top`, `left`): torchvision's
/// `transforms.v2.functional.crop`. The part may reach outside the image, which reads as 0 there.
/// - Throws: `LoaderError` `.mismatch` for an image of rank below 2.
public func crop(_ image: Tensor<Float>, top: Int, left: Int, height: Int, width: Int) throws -> Tensor<Float> {
    require(height >= 0 && width >= 0, "crop height and width must be non-negative, got \(height) × \(width)")
    return window(image, try ImagePlanes(image, for: "crop"), top: top, left: left, height: height, width: width, fill: 0)
}

/// The middle `size` of `image`, padded with 0 where `size` is larger: torchvision's
/// `transforms.v2.functional.center_crop` (an odd margin leaves the extra pixel where
/// torchvision does).
/// - Parameters:
///   - image: `[…, height, width]`.
///   - size: `[side]` or `[height, width]`.
/// - Throws: `LoaderError` `.mismatch` for an image of rank below 2.
public func centerCrop(_ image: Tensor<Float>, size: [Int]) throws -> Tensor<Float> {
    let layout = try ImagePlanes(image, for: "centerCrop")
    let (height, width) = squareOrPair(size, for: "centerCrop size")
    // torchvision pads by floor(margin / 2) before and the rest after, then takes the window at
    // round(margin / 2) of the padded image.
    func start(crop: Int, image: Int) -> Int {
        let before = crop > image ? (crop - image) / 2 : 0
        let padded = crop > image ? image + before + (crop - image + 1) / 2 : image
        return (Double(padded - crop) / 2).roundedLikePython - before
    }
    return window(image, layout, top: start(crop: height, image: layout.height), left: start(crop: width, image: layout.width),
                  height: height, width: width, fill: 0)
}

/// A crop at a random place: torchvision's `transforms.v2.RandomCrop` (constant padding).
///
/// The image is first padded by `padding` (and, with `padIfNeeded`, on both sides of a dimension
/// smaller than `size` by the shortfall); then the top, and then the left, are drawn uniformly
/// among the places where the crop fits.
///
/// ```swift
/// let shifted = RandomCrop(size: [28], padding: [4])    // MNIST's classic ±4 pixel shifts
/// ```
public struct RandomCrop: ImageTransform {
    public let height: Int
    public let width: Int
    /// Added around the image before the crop is drawn.
    public let padding: (left: Int, top: Int, right: Int, bottom: Int)
    public let fill: Float
    public let padIfNeeded: Bool

    /// - Parameters:
    ///   - size: `[side]` or `[height, width]`.
    ///   - padding: as `pad(_:padding:fill:)` takes it.
    ///   - fill: the value of the padding.
    ///   - padIfNeeded: pad an image smaller than the crop to its size first.
    public init(size: [Int], padding: [Int] = [0], fill: Float = 0, padIfNeeded: Bool = false) {
        (height, width) = squareOrPair(size, for: "RandomCrop size")
        self.padding = sides(of: padding)
        self.fill = fill
        self.padIfNeeded = padIfNeeded
    }

    /// - Throws: `LoaderError` `.mismatch` for an image (with its padding) smaller than the crop.
    public func apply(_ image: Tensor<Float>, using random: inout SeededGenerator) throws -> Tensor<Float> {
        let layout = try ImagePlanes(image, for: "RandomCrop")
        let (top, left) = try corner(height: layout.height, width: layout.width, using: &random)
        return window(image, layout, top: top, left: left, height: height, width: width, fill: fill)
    }

    /// torchvision's `make_params` for an image of `height × width`: the crop's top-left pixel in
    /// the image's coordinates (negative inside the padding).
    func corner(height imageHeight: Int, width imageWidth: Int, using random: inout SeededGenerator) throws -> (top: Int, left: Int) {
        var (top, left) = (padding.top, padding.left)
        var paddedHeight = imageHeight + padding.top + padding.bottom
        var paddedWidth = imageWidth + padding.left + padding.right
        if padIfNeeded && paddedHeight < height {
            top += height - paddedHeight
            paddedHeight += 2 * (height - paddedHeight)
        }
        if padIfNeeded && paddedWidth < width {
            left += width - paddedWidth
            paddedWidth += 2 * (width - paddedWidth)
        }
        guard paddedHeight >= height && paddedWidth >= width else {
            throw LoaderError(.mismatch, "RandomCrop of \(height) × \(width) needs a larger image, got \(imageHeight) × \(imageWidth) padded to \(paddedHeight) × \(paddedWidth)")
        }
        let cropTop = paddedHeight > height ? random.uniform(below: paddedHeight - height + 1) : 0
        let cropLeft = paddedWidth > width ? random.uniform(below: paddedWidth - width + 1) : 0
        return (cropTop - top, cropLeft - left)
    }
}

/// The middle of each image: torchvision's `transforms.v2.CenterCrop`, `centerCrop(_:size:)`.
public struct CenterCrop: ImageTransform {
    public let size: [Int]

    /// - Parameter size: `[side]` or `[height, width]`.
    public init(size: [Int]) {
        _ = squareOrPair(size, for: "CenterCrop size")
        self.size = size
    }

    public func apply(_ image: Tensor<Float>, using random: inout SeededGenerator) throws -> Tensor<Float> {
        try centerCrop(image, size: size)
    }
}

/// torchvision's padding argument as (left, top, right, bottom).
private func sides(of padding: [Int]) -> (left: Int, top: Int, right: Int, bottom: Int) {
    require([1, 2, 4].contains(padding.count), "padding must have 1, 2 or 4 values, got \(padding)")
    require(padding.allSatisfy { $0 >= 0 }, "padding must be non-negative, got \(padding)")
    switch padding.count {
    case 1: return (padding[0], padding[0], padding[0], padding[0])
    case 2: return (padding[0], padding[1], padding[0], padding[1])
    default: return (padding[0], padding[1], padding[2], padding[3])
    }
}

/// The `height × width` window of every plane of `image` whose top-left pixel is (`top`, `left`),
/// `fill` where the window lies outside the image: padding and cropping in one copy.
func window(_ image: Tensor<Float>, _ layout: ImagePlanes, top: Int, left: Int, height: Int, width: Int, fill: Float) -> Tensor<Float> {
    var output = [Float](repeating: fill, count: layout.planes * height * width)
    let (sourceHeight, sourceWidth) = (layout.height, layout.width)
    let rows = max(top, 0)..<max(min(top + height, sourceHeight), max(top, 0))
    let columns = max(left, 0)..<max(min(left + width, sourceWidth), max(left, 0))
    if !rows.isEmpty && !columns.isEmpty {
        image.scalars.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                for plane in 0..<layout.planes {
                    for row in rows {
                        let from = plane * sourceHeight * sourceWidth + row * sourceWidth
                        let to = plane * height * width + (row - top) * width - left
                        for column in columns { target[to + column] = source[from + column] }
                    }
                }
            }
        }
    }
    return Tensor(shape: layout.shape(height: height, width: width), scalars: output)
}
