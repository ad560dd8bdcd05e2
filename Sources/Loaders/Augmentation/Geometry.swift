/// The planes of an image as the transforms see it: `[…, height, width]`, every leading dimension
/// (channels, or none for `[height, width]`) folded into `planes`, as torchvision folds them into
/// one batch dimension.
struct ImagePlanes {
    let leading: [Int]
    let height: Int
    let width: Int

    /// - Throws: `LoaderError` `.mismatch`, naming `transform`, for an image of rank below 2.
    init(_ image: Tensor<Float>, for transform: String) throws {
        guard image.rank >= 2 else {
            throw LoaderError(.mismatch, "\(transform) needs an image of [height, width] or [channels, height, width], got \(image.shape)")
        }
        leading = Array(image.shape.dropLast(2))
        height = image.shape[image.rank - 2]
        width = image.shape[image.rank - 1]
    }

    /// The number of planes: the channels of `[channels, height, width]`, 1 for `[height, width]`.
    var planes: Int { leading.reduce(1, *) }

    var planeSize: Int { height * width }

    /// The indices of plane `plane`'s pixels in the row-major scalars.
    func plane(_ plane: Int) -> Range<Int> { plane * planeSize..<(plane + 1) * planeSize }

    /// The shape of an image with the same leading dimensions and `height` × `width` planes.
    func shape(height: Int, width: Int) -> [Int] {
        leading + [height, width]
    }
}

/// `[height, width]` from torchvision's size argument: one value for a square, two for
/// `[height, width]`.
func squareOrPair(_ size: [Int], for argument: String) -> (height: Int, width: Int) {
    require(size.count == 1 || size.count == 2, "\(argument) must have one value or two ([height, width]), got \(size)")
    require(size.allSatisfy { $0 > 0 }, "\(argument) must be positive, got \(size)")
    return size.count == 1 ? (size[0], size[0]) : (size[0], size[1])
}

extension Double {
    /// Python's `round`: to the nearest integer, ties to even, as torchvision's parameter drawing
    /// rounds.
    var roundedLikePython: Int { Int(rounded(.toNearestOrEven)) }
}
