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
/// the width, y down the height.
protocol SamplingGrid {
    var height: Int { get }
    var width: Int { get }
    /// The points output row `row` samples, `width` of each coordinate.
    func points(row: Int, x: UnsafeMutableBufferPointer<Float>, y: UnsafeMutableBufferPointer<Float>)
}

/// The grid of torchvision's `_affine_grid`: output pixel centres relative to the output's centre,
/// mapped through a matrix (output → source, in pixels relative to the source's centre), then
/// normalised by the source's half size.
///
/// In `Float` in torchvision's order, `(u·a + v·b) + c`, so that nearest sampling picks the pixels
/// torchvision picks; the products of a column and of a row are worked out once, not per point.
struct AffineGrid: SamplingGrid {
    let height: Int
    let width: Int
    private let columnX: [Float], columnY: [Float]   // u·a and u·d of each column
    private let rowX: [Float], rowY: [Float]         // v·b and v·e of each row
    private let offsetX: Float, offsetY: Float       // c and f

    init(_ matrix: [Double], sourceHeight: Int, sourceWidth: Int, height: Int, width: Int) {
        self.height = height
        self.width = width
        let theta = matrix.map { Float($0) }
        let (halfWidth, halfHeight) = (Float(0.5 * Double(sourceWidth)), Float(0.5 * Double(sourceHeight)))
        let (a, b, c) = (theta[0] / halfWidth, theta[1] / halfWidth, theta[2] / halfWidth)
        let (d, e, f) = (theta[3] / halfHeight, theta[4] / halfHeight, theta[5] / halfHeight)
        let columns = linspace(0.5 * Double(1 - width), 0.5 * Double(width - 1), count: width)
        let rows = linspace(0.5 * Double(1 - height), 0.5 * Double(height - 1), count: height)
        (columnX, columnY) = (columns.map { $0 * a }, columns.map { $0 * d })
        (rowX, rowY) = (rows.map { $0 * b }, rows.map { $0 * e })
        (offsetX, offsetY) = (c, f)
    }

    func points(row: Int, x: UnsafeMutableBufferPointer<Float>, y: UnsafeMutableBufferPointer<Float>) {
        let (rowX, rowY, offsetX, offsetY) = (rowX[row], rowY[row], offsetX, offsetY)
        columnX.withUnsafeBufferPointer { columnX in
            columnY.withUnsafeBufferPointer { columnY in
                for column in 0..<width {
                    x[column] = (columnX[column] + rowX) + offsetX
                    y[column] = (columnY[column] + rowY) + offsetY
                }
            }
        }
    }
}

/// A grid of points given one by one: torchvision's `_create_identity_grid` (each pixel samples its
/// own centre) plus a displacement of each point.
struct DisplacedGrid: SamplingGrid {
    let height: Int
    let width: Int
    private let x: [Float]
    private let y: [Float]

    init(height: Int, width: Int, displacement: [Float]) {
        self.height = height
        self.width = width
        let columns = linspace(Double(1 - width) / Double(width), Double(width - 1) / Double(width), count: width)
        let rows = linspace(Double(1 - height) / Double(height), Double(height - 1) / Double(height), count: height)
        x = (0..<height * width).map { point in columns[point % width] + displacement[2 * point] }
        y = (0..<height * width).map { point in rows[point / width] + displacement[2 * point + 1] }
    }

    func points(row: Int, x: UnsafeMutableBufferPointer<Float>, y: UnsafeMutableBufferPointer<Float>) {
        let start = row * width
        for column in 0..<width {
            (x[column], y[column]) = (self.x[start + column], self.y[start + column])
        }
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
/// A row at a time: its points, then (a loop without branches, which the compiler vectorises)
/// where they fall in the source, then the reads.
///
/// - Complexity: O(planes × grid points); the weights of a point are found once for all planes.
func gridSample<Grid: SamplingGrid>(_ image: Tensor<Float>, _ layout: ImagePlanes, grid: Grid, interpolation: Interpolation, fill: Float?) -> Tensor<Float> {
    let (sourceHeight, sourceWidth, planes) = (layout.height, layout.width, layout.planes)
    let (sourcePlane, outputPlane, width) = (sourceHeight * sourceWidth, grid.height * grid.width, grid.width)
    var output = [Float](repeating: fill ?? 0, count: planes * outputPlane)
    guard planes > 0, outputPlane > 0 else { return Tensor(shape: layout.shape(height: grid.height, width: width), scalars: output) }
    // grid_sample's unnormalisation for align_corners=False: (g + 1) · size / 2 − 0.5.
    let (scaleX, scaleY) = (Float(sourceWidth) / 2, Float(sourceHeight) / 2)
    var (xs, ys) = ([Float](repeating: 0, count: width), [Float](repeating: 0, count: width))
    var nearest = [Int](repeating: 0, count: width)
    image.scalars.withUnsafeBufferPointer { source in
        output.withUnsafeMutableBufferPointer { target in
            xs.withUnsafeMutableBufferPointer { xs in
                ys.withUnsafeMutableBufferPointer { ys in
                    nearest.withUnsafeMutableBufferPointer { nearest in
                        for row in 0..<grid.height {
                            grid.points(row: row, x: xs, y: ys)
                            for column in 0..<width {
                                xs[column] = (xs[column] + 1) * scaleX - 0.5
                                ys[column] = (ys[column] + 1) * scaleY - 0.5
                            }
                            let rowStart = row * width
                            switch interpolation {
                            case .nearest:
                                // The source index of each point, or -1 outside, where the fill already is.
                                for column in 0..<width {
                                    let (nx, ny) = (Int(xs[column].nearestInteger), Int(ys[column].nearestInteger))
                                    let inside = UInt(bitPattern: nx) < UInt(sourceWidth) && UInt(bitPattern: ny) < UInt(sourceHeight)
                                    nearest[column] = inside ? ny &* sourceWidth &+ nx : -1
                                }
                                for plane in 0..<planes {
                                    let (from, to) = (plane &* sourcePlane, plane &* outputPlane &+ rowStart)
                                    for column in 0..<width where nearest[column] >= 0 {
                                        target[to &+ column] = source[from &+ nearest[column]]
                                    }
                                }
                            case .bilinear:
                                for column in 0..<width {
                                    let value = bilinearWeights(x: xs[column], y: ys[column], width: sourceWidth, height: sourceHeight)
                                    guard let (corner, weights) = value else { continue }
                                    let mask = weights.nw + weights.ne + weights.sw + weights.se
                                    for plane in 0..<planes {
                                        let base = plane * sourcePlane + corner
                                        var value: Float = 0
                                        if weights.nw != 0 { value += weights.nw * source[base] }
                                        if weights.ne != 0 { value += weights.ne * source[base + 1] }
                                        if weights.sw != 0 { value += weights.sw * source[base + sourceWidth] }
                                        if weights.se != 0 { value += weights.se * source[base + sourceWidth + 1] }
                                        if let fill { value = (value - fill) * mask + fill }
                                        target[plane * outputPlane + rowStart + column] = value
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: layout.shape(height: grid.height, width: width), scalars: output)
}

/// The four pixels around source point (`x`, `y`) (in pixels) and their bilinear weights, zero
/// for a pixel outside the image (`grid_sample`'s zeros padding); the index is the top-left
/// one's, and `nil` when none of the four is inside.
@inline(__always)
private func bilinearWeights(x: Float, y: Float, width: Int, height: Int) -> (corner: Int, weights: (nw: Float, ne: Float, sw: Float, se: Float))? {
    let (x0, y0) = (x.rounded(.down), y.rounded(.down))
    guard x0 >= -1 && x0 < Float(width) && y0 >= -1 && y0 < Float(height) else { return nil }
    let (east, south) = (x - x0, y - y0)
    let (west, north) = (1 - east, 1 - south)
    let (left, top) = (Int(x0), Int(y0))
    let hasLeft = left >= 0, hasRight = left + 1 < width
    let hasTop = top >= 0, hasBottom = top + 1 < height
    return (top * width + left, (nw: hasTop && hasLeft ? north * west : 0, ne: hasTop && hasRight ? north * east : 0,
                                 sw: hasBottom && hasLeft ? south * west : 0, se: hasBottom && hasRight ? south * east : 0))
}

extension Float {
    /// The nearest whole number, ties to even, without a call into the C library per pixel: adding
    /// 1.5 · 2²³ leaves it in the low bits of the sum (the default rounding mode doing the work)
    /// for any |x| < 2²². Any other value, infinities and NaN included, gives a number outside
    /// [0, 2²²), so it is never taken for a pixel inside an image.
    var nearestInteger: Int32 {
        let magic: Float = 12_582_912
        return Int32(bitPattern: (self + magic).bitPattern) &- Int32(bitPattern: magic.bitPattern)
    }
}
