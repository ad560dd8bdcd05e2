import Foundation

/// `image` rotated by `angle`, translated, scaled and sheared about `center`: torchvision's
/// `transforms.v2.functional.affine` on a float tensor.
///
/// Each output pixel samples the source at the inverse of the transform (torchvision's
/// `_get_inverse_affine_matrix`, `_affine_grid` and `_apply_grid_transform`), so the output keeps
/// the image's size and the parts that come from outside the image are `fill`.
///
/// ```swift
/// let tilted = try affine(digit, angle: 12.5, translate: (2, -3), scale: 1.1, shear: (8, -4))
/// ```
/// - Parameters:
///   - image: `[…, height, width]`.
///   - angle: degrees, clockwise on screen (torchvision's sign).
///   - translate: pixels right and down.
///   - scale: the zoom factor, positive.
///   - shear: degrees along x and along y.
///   - interpolation: `.nearest` (torchvision's default) or `.bilinear`.
///   - fill: the value of pixels that come from outside the image; `nil` (torchvision's `None`)
///     samples zeros there and, with `.bilinear`, does not blend the edge towards a fill.
///   - center: the pivot in pixels from the top-left corner; the image's centre by default.
/// - Throws: `LoaderError` `.mismatch` for an image of rank below 2.
/// - Complexity: O(pixels); the inverse matrix is worked out once.
public func affine(
    _ image: Tensor<Float>, angle: Double, translate: (Double, Double), scale: Double, shear: (Double, Double),
    interpolation: Interpolation = .nearest, fill: Float? = nil, center: (Double, Double)? = nil
) throws -> Tensor<Float> {
    require(scale > 0 && scale.isFinite, "affine scale must be positive, got \(scale)")
    let layout = try ImagePlanes(image, for: "affine")
    let matrix = inverseAffineMatrix(
        center: centerFromMiddle(center, layout), angle: angle, translate: translate, scale: scale, shear: shear)
    let grid = AffineGrid(matrix, sourceHeight: layout.height, sourceWidth: layout.width,
                          height: layout.height, width: layout.width)
    return gridSample(image, layout, grid: grid, interpolation: interpolation, fill: fill)
}

/// `image` rotated by `angle` degrees counter-clockwise about `center`: torchvision's
/// `transforms.v2.functional.rotate` on a float tensor.
///
/// Rotations by multiples of 90° about the centre move pixels exactly, as torchvision's fast
/// path does (90° and 270° only when the result keeps the image's shape, a square or `expand`).
///
/// - Parameters:
///   - image: `[…, height, width]`.
///   - angle: degrees, counter-clockwise.
///   - interpolation: `.nearest` (torchvision's default) or `.bilinear`.
///   - expand: make the output large enough for the whole rotated image (its size worked out as
///     torchvision's `_compute_affine_output_size`); otherwise the output keeps the image's size.
///   - fill: the value of pixels that come from outside the image, as in `affine`.
///   - center: the pivot in pixels from the top-left corner; the image's centre by default.
/// - Throws: `LoaderError` `.mismatch` for an image of rank below 2.
public func rotate(
    _ image: Tensor<Float>, angle: Double, interpolation: Interpolation = .nearest, expand: Bool = false,
    fill: Float? = nil, center: (Double, Double)? = nil
) throws -> Tensor<Float> {
    let layout = try ImagePlanes(image, for: "rotate")
    let angle = angle - 360 * (angle / 360).rounded(.down)   // Python's angle % 360
    if center == nil, let quarterTurns = [0, 90, 180, 270].firstIndex(of: angle),
       quarterTurns % 2 == 0 || expand || layout.height == layout.width {
        return quarterTurned(image, layout, times: quarterTurns)
    }
    // rotate turns the other way from affine.
    let matrix = inverseAffineMatrix(center: centerFromMiddle(center, layout), angle: -angle, translate: (0, 0), scale: 1, shear: (0, 0))
    let (height, width) = expand ? expandedSize(matrix, height: layout.height, width: layout.width) : (layout.height, layout.width)
    let grid = AffineGrid(matrix, sourceHeight: layout.height, sourceWidth: layout.width, height: height, width: width)
    return gridSample(image, layout, grid: grid, interpolation: interpolation, fill: fill)
}

/// A pivot given from the top-left corner, in the coordinates torchvision's matrix uses: from the
/// image's centre.
private func centerFromMiddle(_ center: (Double, Double)?, _ layout: ImagePlanes) -> (Double, Double) {
    guard let center else { return (0, 0) }
    return (center.0 - Double(layout.width) * 0.5, center.1 - Double(layout.height) * 0.5)
}

/// torchvision's `_get_inverse_affine_matrix`: the 2 × 3 matrix taking an output pixel (relative
/// to the image centre) to the source point it samples, for the transform
/// `T · C · R(angle) · S(scale) · SHy · SHx · C⁻¹`, in `Double` as Python computes it.
func inverseAffineMatrix(
    center: (Double, Double), angle: Double, translate: (Double, Double), scale: Double, shear: (Double, Double)
) -> [Double] {
    let rotation = angle * .pi / 180
    let (shearX, shearY) = (shear.0 * .pi / 180, shear.1 * .pi / 180)
    let (cx, cy) = center
    let (tx, ty) = translate
    let cosShearY = cos(shearY)
    let tanShearX = tan(shearX)
    // The rotation-shear matrix [a b; c d] without the scale; its determinant is 1.
    let a = cos(rotation - shearY) / cosShearY
    let b = -(a * tanShearX + sin(rotation))
    let c = sin(rotation - shearY) / cosShearY
    let d = cos(rotation) - c * tanShearX
    var matrix = [d / scale, -b / scale, 0, -c / scale, a / scale, 0]
    matrix[2] += cx - matrix[0] * (cx + tx) - matrix[1] * (cy + ty)
    matrix[5] += cy - matrix[3] * (cx + tx) - matrix[4] * (cy + ty)
    return matrix
}

/// The output size of an expanding rotation: torchvision's `_compute_affine_output_size` (the
/// bounding box of the turned corners in `Float`, truncated to 1e-4 before rounding outwards so
/// that 27.99999 stays 28).
private func expandedSize(_ matrix: [Double], height: Int, width: Int) -> (height: Int, width: Int) {
    let theta = matrix.map { Float($0) }
    let (halfWidth, halfHeight) = (Float(0.5 * Double(width)), Float(0.5 * Double(height)))
    let corners: [(Float, Float)] = [(-halfWidth, -halfHeight), (-halfWidth, halfHeight), (halfWidth, halfHeight), (halfWidth, -halfHeight)]
    let xs = corners.map { $0.0 * theta[0] + $0.1 * theta[1] + theta[2] + halfWidth }
    let ys = corners.map { $0.0 * theta[3] + $0.1 * theta[4] + theta[5] + halfHeight }
    func extent(_ values: [Float]) -> Int {
        let truncated = { (value: Float) in (value * 1e4).rounded(.towardZero) * 1e-4 }
        return Int(truncated(values.max()!).rounded(.up) - truncated(values.min()!).rounded(.down))
    }
    return (extent(ys), extent(xs))
}

/// `image` turned counter-clockwise by `times` quarter turns, pixel for pixel (`torch.rot90`).
private func quarterTurned(_ image: Tensor<Float>, _ layout: ImagePlanes, times: Int) -> Tensor<Float> {
    let (height, width) = (layout.height, layout.width)
    let (outputHeight, outputWidth) = times % 2 == 0 ? (height, width) : (width, height)
    let source = image.scalars
    var output = [Float](repeating: 0, count: source.count)
    for plane in 0..<layout.planes {
        let base = plane * height * width
        for y in 0..<outputHeight {
            for x in 0..<outputWidth {
                let (sy, sx) = switch times {
                case 1: (x, width - 1 - y)
                case 2: (height - 1 - y, width - 1 - x)
                case 3: (height - 1 - x, y)
                default: (y, x)
                }
                output[base + y * outputWidth + x] = source[base + sy * width + sx]
            }
        }
    }
    return Tensor(shape: layout.shape(height: outputHeight, width: outputWidth), scalars: output)
}
