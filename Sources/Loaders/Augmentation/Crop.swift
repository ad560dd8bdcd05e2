/// How `pad` and `RandomCrop` make the pixels they add: torchvision's `padding_mode`.
public enum PaddingMode: String, Sendable, CaseIterable {
    /// The fill value.
    case constant
    /// The nearest edge pixel, repeated (torch's `replicate`).
    case edge
    /// The image mirrored about its edge pixel, which is not repeated: `[2, 1, | 0, 1, 2]`. At most
    /// the side's length less one on each side, as torch allows.
    case reflect
    /// The image mirrored about its edge, the edge pixel repeated: `[1, 0, | 0, 1, 2]`. At most
    /// the side's length on each side, as torchvision allows.
    case symmetric

    /// The source index that position `index` of a line of `size` pixels reads (the line extended by
    /// the mode on both sides), or `nil` for the fill; clamped, so never outside the line.
    func source(_ index: Int, size: Int) -> Int? {
        guard index < 0 || index >= size else { return index }
        let mirrored = switch self {
        case .constant: Int?.none
        case .edge: index
        case .reflect: index < 0 ? -index : 2 * (size - 1) - index
        case .symmetric: index < 0 ? -index - 1 : 2 * size - 1 - index
        }
        return mirrored.map { min(max($0, 0), size - 1) }
    }

    /// Refuses padding that torchvision refuses for this mode: more than `size − 1` pixels (reflect)
    /// or `size` pixels (symmetric) on a side of a line of `size`.
    /// - Throws: `LoaderError` `.mismatch` naming `transform`, the padding and the size.
    func check(before: Int, after: Int, size: Int, of dimension: String, for transform: String) throws {
        let most = switch self {
        case .constant: Int.max
        case .edge: size > 0 ? Int.max : 0
        case .reflect: size - 1
        case .symmetric: size
        }
        guard max(before, after) <= most else {
            throw LoaderError(.mismatch, "\(transform) with \(rawValue) padding adds at most \(most) pixels to a \(dimension) of \(size), got \(before) and \(after)")
        }
    }
}

/// `image` with pixels added around it: torchvision's `transforms.v2.functional.pad`.
///
/// - Parameters:
///   - image: `[…, height, width]`.
///   - padding: pixels to add, as torchvision takes them: one value for every side, two for
///     `[left and right, top and bottom]`, four for `[left, top, right, bottom]`; non-negative.
///   - fill: the value of the added pixels, with `.constant`.
///   - mode: how the added pixels are made.
/// - Throws: `LoaderError` `.mismatch` for an image of rank below 2, or padding the mode cannot
///   make from an image that small.
public func pad(_ image: Tensor<Float>, padding: [Int], fill: Float = 0, mode: PaddingMode = .constant) throws -> Tensor<Float> {
    let layout = try ImagePlanes(image, for: "pad")
    let (left, top, right, bottom) = sides(of: padding)
    try mode.check(before: top, after: bottom, size: layout.height, of: "height", for: "pad")
    try mode.check(before: left, after: right, size: layout.width, of: "width", for: "pad")
    return window(image, layout, top: -top, left: -left, height: layout.height + top + bottom,
                  width: layout.width + left + right, fill: fill, mode: mode)
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

/// A crop at a random place: torchvision's `transforms.v2.RandomCrop`.
///
/// The image is first padded by `padding` (and, with `padIfNeeded`, on both sides of a dimension
/// smaller than `size` by the shortfall); then the top, and then the left, are drawn uniformly
/// among the places where the crop fits.
///
/// ```swift
/// let shifted = RandomCrop(size: [28], padding: [4])    // MNIST's classic ±4 pixel shifts
/// let mirrored = RandomCrop(size: [32], padding: [4], mode: .reflect)   // CIFAR's
/// ```
public struct RandomCrop: ImageTransform {
    public let height: Int
    public let width: Int
    /// Added around the image before the crop is drawn.
    public let padding: (left: Int, top: Int, right: Int, bottom: Int)
    public let fill: Float
    public let padIfNeeded: Bool
    public let mode: PaddingMode

    /// - Parameters:
    ///   - size: `[side]` or `[height, width]`.
    ///   - padding: as `pad(_:padding:fill:mode:)` takes it.
    ///   - fill: the value of the padding, with `.constant`.
    ///   - padIfNeeded: pad an image smaller than the crop to its size first.
    ///   - mode: how the padding is made.
    public init(size: [Int], padding: [Int] = [0], fill: Float = 0, padIfNeeded: Bool = false, mode: PaddingMode = .constant) {
        (height, width) = squareOrPair(size, for: "RandomCrop size")
        self.padding = sides(of: padding)
        self.fill = fill
        self.padIfNeeded = padIfNeeded
        self.mode = mode
    }

    /// - Throws: `LoaderError` `.mismatch` for an image (with its padding) smaller than the crop,
    ///   or padding the mode cannot make from an image that small.
    public func apply(_ image: Tensor<Float>, using random: inout SeededGenerator) throws -> Tensor<Float> {
        let layout = try ImagePlanes(image, for: "RandomCrop")
        let (top, left) = try corner(height: layout.height, width: layout.width, using: &random)
        return window(image, layout, top: top, left: left, height: height, width: width, fill: fill, mode: mode)
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
        try mode.check(before: top, after: paddedHeight - imageHeight - top, size: imageHeight, of: "height", for: "RandomCrop")
        try mode.check(before: left, after: paddedWidth - imageWidth - left, size: imageWidth, of: "width", for: "RandomCrop")
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
/// made by `mode` where the window lies outside the image: padding and cropping in one copy.
func window(_ image: Tensor<Float>, _ layout: ImagePlanes, top: Int, left: Int, height: Int, width: Int, fill: Float,
            mode: PaddingMode = .constant) -> Tensor<Float> {
    guard mode == .constant else { return mirroredWindow(image, layout, top: top, left: left, height: height, width: width, mode: mode) }
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

/// `window` for the modes that read every added pixel from the image: each output row and column
/// mapped to its source once.
private func mirroredWindow(_ image: Tensor<Float>, _ layout: ImagePlanes, top: Int, left: Int, height: Int, width: Int,
                            mode: PaddingMode) -> Tensor<Float> {
    let (sourceHeight, sourceWidth) = (layout.height, layout.width)
    var output = [Float](repeating: 0, count: layout.planes * height * width)
    guard sourceHeight > 0 && sourceWidth > 0 else { return Tensor(shape: layout.shape(height: height, width: width), scalars: output) }
    let rows = (0..<height).map { mode.source(top + $0, size: sourceHeight)! }
    let columns = (0..<width).map { mode.source(left + $0, size: sourceWidth)! }
    image.scalars.withUnsafeBufferPointer { source in
        output.withUnsafeMutableBufferPointer { target in
            for plane in 0..<layout.planes {
                for (row, sourceRow) in rows.enumerated() {
                    let from = plane * sourceHeight * sourceWidth + sourceRow * sourceWidth
                    let to = (plane * height + row) * width
                    for (column, sourceColumn) in columns.enumerated() { target[to + column] = source[from + sourceColumn] }
                }
            }
        }
    }
    return Tensor(shape: layout.shape(height: height, width: width), scalars: output)
}
