/// How a resampled pixel takes its value from the source image: torchvision's `InterpolationMode`
/// `NEAREST` and `BILINEAR`.
public enum Interpolation: String, Sendable, CaseIterable {
    /// The value of the source pixel whose centre is nearest (ties to even, as `grid_sample`).
    case nearest
    /// The distance-weighted mean of the four source pixels around the point.
    case bilinear
}

/// Where each output pixel samples the source image, in `grid_sample`'s normalised coordinates:
/// -1 and 1 are the outer edges of the first and last pixels (`align_corners=False`), x across
/// the width, y down the height. Row-major, `height × width` points.
struct SamplingGrid {
    let height: Int
    let width: Int
    var x: [Float]
    var y: [Float]

    /// The grid of torchvision's `_affine_grid`: output pixel centres relative to the output's
    /// centre, mapped through `matrix` (output → source, in pixels relative to the source's
    /// centre), then normalised by the source's half size. In `Float` in torchvision's order, so
    /// that nearest sampling picks the pixels torchvision picks.
    init(affine matrix: [Double], sourceHeight: Int, sourceWidth: Int, height: Int, width: Int) {
        self.height = height
        self.width = width
        let theta = matrix.map { Float($0) }
        let (halfWidth, halfHeight) = (Float(0.5 * Double(sourceWidth)), Float(0.5 * Double(sourceHeight)))
        let (a, b, c) = (theta[0] / halfWidth, theta[1] / halfWidth, theta[2] / halfWidth)
        let (d, e, f) = (theta[3] / halfHeight, theta[4] / halfHeight, theta[5] / halfHeight)
        let columns = linspace(0.5 * Double(1 - width), 0.5 * Double(width - 1), count: width)
        let rows = linspace(0.5 * Double(1 - height), 0.5 * Double(height - 1), count: height)
        x = [Float](repeating: 0, count: height * width)
        y = [Float](repeating: 0, count: height * width)
        for row in 0..<height {
            let v = rows[row]
            for column in 0..<width {
                let u = columns[column]
                x[row * width + column] = u * a + v * b + c
                y[row * width + column] = u * d + v * e + f
            }
        }
    }

    /// The identity grid of torchvision's `_create_identity_grid`: each pixel samples its own
    /// centre.
    init(identityHeight height: Int, width: Int) {
        self.height = height
        self.width = width
        let columns = linspace(Double(1 - width) / Double(width), Double(width - 1) / Double(width), count: width)
        let rows = linspace(Double(1 - height) / Double(height), Double(height - 1) / Double(height), count: height)
        x = (0..<height).flatMap { _ in columns }
        y = rows.flatMap { Array(repeating: $0, count: width) }
    }
}

/// `torch.linspace` in `Float`: the first half counted up from `start`, the second down from
/// `end`, so both ends are exact.
func linspace(_ start: Double, _ end: Double, count: Int) -> [Float] {
    guard count > 1 else { return count == 1 ? [Float(start)] : [] }
    let (start, end) = (Float(start), Float(end))
    let step = (end - start) / Float(count - 1)
    return (0..<count).map { i in i < count / 2 ? start + step * Float(i) : end - step * Float(count - 1 - i) }
}

/// `image` sampled at `grid`, as torchvision's `_apply_grid_transform` does it: `grid_sample`
/// with `align_corners=False` and zeros outside the image; with a `fill`, a channel of ones
/// sampled alongside marks how much of each value came from inside the image, and the rest is
/// `fill` (nearest: a pixel is fill when its mask is below 0.5; bilinear: `mask · (value − fill) + fill`).
///
/// - Complexity: O(planes × grid points); the weights of a point are found once for all planes.
func gridSample(_ image: Tensor<Float>, _ layout: ImagePlanes, grid: SamplingGrid, interpolation: Interpolation, fill: Float?) -> Tensor<Float> {
    let (sourceHeight, sourceWidth, planes) = (layout.height, layout.width, layout.planes)
    let (sourcePlane, outputPlane) = (sourceHeight * sourceWidth, grid.height * grid.width)
    var output = [Float](repeating: 0, count: planes * outputPlane)
    guard planes > 0, outputPlane > 0 else { return Tensor(shape: layout.shape(height: grid.height, width: grid.width), scalars: output) }
    // grid_sample's unnormalisation for align_corners=False: (g + 1) · size / 2 − 0.5.
    let (scaleX, scaleY) = (Float(sourceWidth) / 2, Float(sourceHeight) / 2)
    let (limitX, limitY) = (Float(sourceWidth), Float(sourceHeight))
    image.scalars.withUnsafeBufferPointer { source in
        output.withUnsafeMutableBufferPointer { target in
            for point in 0..<outputPlane {
                let sx = (grid.x[point] + 1) * scaleX - 0.5
                let sy = (grid.y[point] + 1) * scaleY - 0.5
                switch interpolation {
                case .nearest:
                    let (nx, ny) = (sx.roundedToNearestEven, sy.roundedToNearestEven)
                    if nx >= 0 && nx < limitX && ny >= 0 && ny < limitY {
                        let index = Int(ny) * sourceWidth + Int(nx)
                        for plane in 0..<planes { target[plane * outputPlane + point] = source[plane * sourcePlane + index] }
                    } else if let fill {
                        for plane in 0..<planes { target[plane * outputPlane + point] = fill }
                    }
                case .bilinear:
                    let (x0, y0) = (sx.rounded(.down), sy.rounded(.down))
                    guard x0 >= -1 && x0 < limitX && y0 >= -1 && y0 < limitY else {
                        if let fill { for plane in 0..<planes { target[plane * outputPlane + point] = fill } }
                        continue
                    }
                    let (east, south) = (sx - x0, sy - y0)
                    let (west, north) = (1 - east, 1 - south)
                    let (left, top) = (Int(x0), Int(y0))
                    // Corner weights, zero for a corner outside the image (zeros padding).
                    let hasLeft = left >= 0, hasRight = left + 1 < sourceWidth
                    let hasTop = top >= 0, hasBottom = top + 1 < sourceHeight
                    let nw: Float = hasTop && hasLeft ? north * west : 0
                    let ne: Float = hasTop && hasRight ? north * east : 0
                    let sw: Float = hasBottom && hasLeft ? south * west : 0
                    let se: Float = hasBottom && hasRight ? south * east : 0
                    let topRow = top * sourceWidth + left
                    let bottomRow = topRow + sourceWidth
                    let mask = nw + ne + sw + se
                    for plane in 0..<planes {
                        let base = plane * sourcePlane
                        var value: Float = 0
                        if nw != 0 { value += nw * source[base + topRow] }
                        if ne != 0 { value += ne * source[base + topRow + 1] }
                        if sw != 0 { value += sw * source[base + bottomRow] }
                        if se != 0 { value += se * source[base + bottomRow + 1] }
                        if let fill { value = (value - fill) * mask + fill }
                        target[plane * outputPlane + point] = value
                    }
                }
            }
        }
    }
    return Tensor(shape: layout.shape(height: grid.height, width: grid.width), scalars: output)
}

extension Float {
    /// `rounded(.toNearestOrEven)`, without a call into the C library per pixel: adding and
    /// taking away 1.5 · 2²³ leaves the nearest whole number (ties to even) for any |x| < 2²²,
    /// the default rounding mode doing the work.
    var roundedToNearestEven: Float {
        let magic: Float = 12_582_912
        return abs(self) < 4_194_304 ? (self + magic) - magic : rounded(.toNearestOrEven)
    }
}
