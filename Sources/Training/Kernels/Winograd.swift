/// A 3×3 stride-1 convolution by Winograd's minimal filtering F(4×4, 3×3) (Lavin and Gray,
/// "Fast Algorithms for Convolutional Neural Networks", 2016).
///
/// The padded image is cut into 6×6 tiles overlapping by two, each giving 4×4 outputs. A tile and
/// a filter are carried into a 36-point space (`Bᵀ d B` and `G g Gᵀ`), where the convolution is an
/// element-wise product; summed over the input channels, that is one matrix product per point,
/// `M[ξ] = U[ξ] · V[ξ]` (outputs × inputs times inputs × tiles), and `Aᵀ M A` brings each tile back.
/// Per tile and channel pair that is 36 multiplications where the direct convolution spends 144.
///
/// The weight gradient uses the same algorithm turned around (the filter's 3×3 taps are now the
/// outputs, a 4×4 tile of the output gradient `e` the filter): `dW = Gᵀ [Σ (A e Aᵀ) ⊙ (Bᵀ d B)] G`,
/// the sum over tiles and images again one matrix product per point.
///
/// The transforms' constants are small integers and ratios of them; in single precision the
/// result differs from the direct sum by a few units in the sixth digit.
enum Winograd {
    /// The geometry of one convolution over one image.
    struct Geometry: Equatable {
        var inputs: Int
        var outputs: Int
        var height: Int
        var width: Int
        var padding: Int

        var outputHeight: Int { height + 2 * padding - 2 }
        var outputWidth: Int { width + 2 * padding - 2 }
        var tileRows: Int { (outputHeight + 3) / 4 }
        var tileColumns: Int { (outputWidth + 3) / 4 }
        var tiles: Int { tileRows * tileColumns }
        /// Tiles per row of `V` and `M`: a row's last vector of tiles may run seven past its end.
        var tileStride: Int { (tiles + 14) / 8 * 8 }
        /// The image inside its padding, grown to whole tiles.
        var borderedHeight: Int { 4 * tileRows + 2 }
        /// Each bordered line is stored as four phases, `x = 4q + r` at `[r][q]`, so that the six
        /// inputs of tiles side by side (`4·tile + j`) are consecutive floats of one phase. A
        /// phase holds whole vectors: each 32 floats of a line split into four phases of 8.
        var phaseWidth: Int { (tileColumns + 8) / 8 * 8 }
        var lineWidth: Int { 4 * phaseWidth }
        var borderedCount: Int { inputs * borderedHeight * lineWidth }
        /// The distance between two points' matrices in `V` and in `M`. A cache line more than
        /// the matrix, so that the 36 points of a tile do not all fall in one set of the L1 cache
        /// (which they do when the matrix is a multiple of 4 KB: 64 outputs × 48 tiles).
        var inputPlane: Int { inputs * tileStride + 16 }
        var outputPlane: Int { outputs * tileStride + 16 }
        /// The floats of scratch `convolve` needs: the bordered image, one row of tiles' column
        /// transforms (and a vector's overhang), `V` and `M`.
        var scratchCount: Int { borderedCount + 6 * lineWidth + 8 + 36 * (inputPlane + outputPlane) }
        /// The transformed weights' size, and that of a weight gradient's sums in Winograd's space.
        var weightCount: Int { 36 * outputs * inputs }
    }

    /// `U[ξ][o][i] = (G g Gᵀ)[ξ]` for each filter `g` of a `[outputs, inputs, 3, 3]` weight, worked in
    /// double precision. With `transposed`, the filters of the convolution that carries an output
    /// gradient back to the input: `U[ξ][i][o]` from `g` turned by 180°.
    static func transformWeights(
        _ weight: UnsafePointer<Float>, outputs: Int, inputs: Int, transposed: Bool, into u: UnsafeMutablePointer<Float>
    ) {
        /// `G g` for one column (or row) of three.
        func spread(_ g0: Double, _ g1: Double, _ g2: Double) -> (Double, Double, Double, Double, Double, Double) {
            (g0 / 4, -(g0 + g1 + g2) / 6, -(g0 - g1 + g2) / 6, g0 / 24 + g1 / 12 + g2 / 6, g0 / 24 - g1 / 12 + g2 / 6, g2)
        }
        let (rows, columns) = transposed ? (inputs, outputs) : (outputs, inputs)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 18) { buffer in
            let down = buffer.baseAddress!
            for o in 0..<outputs {
                for i in 0..<inputs {
                    let filter = weight + (o * inputs + i) * 9
                    func tap(_ y: Int, _ x: Int) -> Double { Double(transposed ? filter[(2 - y) * 3 + 2 - x] : filter[y * 3 + x]) }
                    // down[x·6 + a] = (G · column x)[a], then G along each row a.
                    for x in 0..<3 {
                        (down[6 * x], down[6 * x + 1], down[6 * x + 2], down[6 * x + 3], down[6 * x + 4], down[6 * x + 5]) =
                            spread(tap(0, x), tap(1, x), tap(2, x))
                    }
                    let (target, plane) = (u + (transposed ? i * columns + o : o * columns + i), rows * columns)
                    for a in 0..<6 {
                        let r = spread(down[a], down[6 + a], down[12 + a])
                        let point = target + 6 * a * plane
                        (point[0], point[plane], point[2 * plane]) = (Float(r.0), Float(r.1), Float(r.2))
                        (point[3 * plane], point[4 * plane], point[5 * plane]) = (Float(r.3), Float(r.4), Float(r.5))
                    }
                }
            }
        }
    }

    /// `out[o] = bias[o] + Σᵢ image[i] ⋆ filter[o][i]` for one image (`[inputs, height, width]`
    /// in, `[outputs, outputHeight, outputWidth]` out), `u` from `transformWeights`, no bias if nil.
    /// - Complexity: O(inputs · outputs · tiles) multiplications, 36 per tile and channel pair.
    static func convolve(
        _ image: UnsafePointer<Float>, _ g: Geometry, weights u: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        into out: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
    ) {
        let (v, m) = transformImage(image, g, scratch: scratch)
        for point in 0..<36 {
            BLAS.gemm(.plain, .plain, m: g.outputs, n: g.tiles, k: g.inputs,
                      a: u + point * g.outputs * g.inputs, lda: g.inputs,
                      b: v + point * g.inputPlane, ldb: g.tileStride,
                      beta: 0, c: m + point * g.outputPlane, ldc: g.tileStride)
        }
        transformOutputs(m, g, bias: bias, into: out)
    }

    /// `sums[ξ][o][i] += Σ_tile (A e Aᵀ)[ξ] · (Bᵀ d B)[ξ]` for one image: the weight gradient in
    /// Winograd's space, `e` the 4×4 tiles of the output gradient (`[outputs, outputHeight,
    /// outputWidth]`) and `d` the 6×6 tiles of the image, as `convolve` cuts them.
    /// `weightGradient(from:)` brings the sums back to 3×3 filters.
    static func accumulateWeightGradient(
        _ image: UnsafePointer<Float>, _ g: Geometry, outputGradient: UnsafePointer<Float>,
        into sums: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>
    ) {
        let (v, e) = transformImage(image, g, scratch: scratch)
        transformGradientTiles(outputGradient, g, into: e)
        for point in 0..<36 {
            BLAS.gemm(.plain, .transposed, m: g.outputs, n: g.inputs, k: g.tiles,
                      a: e + point * g.outputPlane, lda: g.tileStride,
                      b: v + point * g.inputPlane, ldb: g.tileStride,
                      beta: 1, c: sums + point * g.outputs * g.inputs, ldc: g.inputs)
        }
    }

    /// `V`, the image's tiles carried into Winograd's space, at the start of the scratch after the
    /// bordered image and the column transforms; and the room after it for `M` (or `E`).
    private static func transformImage(
        _ image: UnsafePointer<Float>, _ g: Geometry, scratch: UnsafeMutablePointer<Float>
    ) -> (v: UnsafeMutablePointer<Float>, rest: UnsafeMutablePointer<Float>) {
        let bordered = scratch
        let columnTransforms = bordered + g.borderedCount
        let v = columnTransforms + 6 * g.lineWidth + 8
        border(image, g, into: bordered)
        transformTiles(bordered, g, columnTransforms: columnTransforms, into: v)
        return (v, v + 36 * g.inputPlane)
    }

    /// `weight[o][i] += Gᵀ S G` for the `[36, outputs, inputs]` sums of `accumulateWeightGradient`,
    /// eight filters to a vector.
    static func weightGradient(
        from sums: UnsafePointer<Float>, outputs: Int, inputs: Int, adding weight: UnsafeMutablePointer<Float>
    ) {
        let pairs = outputs * inputs
        var first = 0
        while first + 8 <= pairs {
            var taps = filterTaps { Kernels.load(sums + $0 * pairs + first) }
            withUnsafeBytes(of: &taps) { raw in
                let lanes = raw.assumingMemoryBound(to: Float.self).baseAddress!
                for lane in 0..<8 {
                    let filter = weight + (first + lane) * 9
                    for tap in 0..<9 { filter[tap] += lanes[tap * 8 + lane] }
                }
            }
            first += 8
        }
        for pair in first..<pairs {
            let taps = filterTaps { sums[$0 * pairs + pair] }
            let filter = weight + pair * 9
            (filter[0], filter[1], filter[2]) = (filter[0] + taps.0, filter[1] + taps.1, filter[2] + taps.2)
            (filter[3], filter[4], filter[5]) = (filter[3] + taps.3, filter[4] + taps.4, filter[5] + taps.5)
            (filter[6], filter[7], filter[8]) = (filter[6] + taps.6, filter[7] + taps.7, filter[8] + taps.8)
        }
    }

    /// The nine taps `Gᵀ S G` of one filter (or of eight), `point(ξ)` giving `S[ξ]`: `Gᵀ` along
    /// each row of the 6×6 points, then down each of the three columns.
    @inline(__always)
    private static func filterTaps<V: TransformLanes>(_ point: (Int) -> V) -> (V, V, V, V, V, V, V, V, V) {
        func row(_ a: Int) -> (V, V, V) {
            filterTransform(point(6 * a), point(6 * a + 1), point(6 * a + 2), point(6 * a + 3), point(6 * a + 4), point(6 * a + 5))
        }
        let (r0, r1, r2, r3, r4, r5) = (row(0), row(1), row(2), row(3), row(4), row(5))
        let x0 = filterTransform(r0.0, r1.0, r2.0, r3.0, r4.0, r5.0)
        let x1 = filterTransform(r0.1, r1.1, r2.1, r3.1, r4.1, r5.1)
        let x2 = filterTransform(r0.2, r1.2, r2.2, r3.2, r4.2, r5.2)
        return (x0.0, x1.0, x2.0, x0.1, x1.1, x2.1, x0.2, x1.2, x2.2)
    }

    /// `E[ξ][o][tile] = (A e Aᵀ)[ξ]` for every 4×4 tile `e` of the output gradient, zero outside
    /// it, eight tiles of a row to a vector: a line of 32 floats split into its four phases gives
    /// the tiles' four columns.
    private static func transformGradientTiles(
        _ gradient: UnsafePointer<Float>, _ g: Geometry, into e: UnsafeMutablePointer<Float>
    ) {
        typealias Vector = Kernels.Vector
        let (oh, ow) = (g.outputHeight, g.outputWidth)
        let planeStride = g.outputPlane
        withUnsafeTemporaryAllocation(of: Vector.self, capacity: 24) { buffer in
            let rows = buffer.baseAddress!
            for o in 0..<g.outputs {
                for ty in 0..<g.tileRows {
                    for first in stride(from: 0, to: g.tileColumns, by: 8) {
                        for a in 0..<4 {
                            let line = 4 * ty + a < oh
                                ? loadLine(gradient + (o * oh + 4 * ty + a) * ow, from: 4 * first, count: ow) : SIMD32()
                            let (even, odd) = (line.evenHalf, line.oddHalf)
                            let r = gradientTransform(even.evenHalf, odd.evenHalf, even.oddHalf, odd.oddHalf)
                            (rows[a], rows[4 + a], rows[8 + a], rows[12 + a], rows[16 + a], rows[20 + a]) = r
                        }
                        let target = e + o * g.tileStride + ty * g.tileColumns + first
                        for b in 0..<6 {
                            let column = rows + 4 * b
                            store(gradientTransform(column[0], column[1], column[2], column[3]),
                                  target + b * planeStride, stride: 6 * planeStride)
                        }
                    }
                }
            }
        }
    }

    /// Copies the image, in phases, inside a zero border: `padding` on the top and left, and on
    /// the bottom and right what the whole tiles need.
    private static func border(_ image: UnsafePointer<Float>, _ g: Geometry, into bordered: UnsafeMutablePointer<Float>) {
        let (p, line, width) = (g.padding, g.lineWidth, g.phaseWidth)
        // Each image line goes first into a whole bordered line whose border stays zero.
        withUnsafeTemporaryAllocation(of: Float.self, capacity: line) { buffer in
            let staging = buffer.baseAddress!
            staging.initialize(repeating: 0, count: line)
            for c in 0..<g.inputs {
                let plane = bordered + c * g.borderedHeight * line
                plane.update(repeating: 0, count: p * line)
                let below = g.height + p
                (plane + below * line).update(repeating: 0, count: (g.borderedHeight - below) * line)
                for y in 0..<g.height {
                    let source = image + (c * g.height + y) * g.width
                    var x = 0
                    while x + 8 <= g.width {
                        Kernels.store(Kernels.load(source + x), staging + p + x)
                        x += 8
                    }
                    while x < g.width { staging[p + x] = source[x]; x += 1 }
                    // Columns 32k..<32k + 32 split into phases: q = 8k..<8k + 8 of each.
                    let target = plane + (y + p) * line
                    for chunk in 0..<width / 8 {
                        let values = loadLine(staging + 32 * chunk, from: 0, count: 32)
                        let (even, odd) = (values.evenHalf, values.oddHalf)
                        Kernels.store(even.evenHalf, target + 8 * chunk)
                        Kernels.store(odd.evenHalf, target + width + 8 * chunk)
                        Kernels.store(even.oddHalf, target + 2 * width + 8 * chunk)
                        Kernels.store(odd.oddHalf, target + 3 * width + 8 * chunk)
                    }
                }
            }
        }
    }

    /// `line[start..<start + 32]`, zero outside `0..<count`.
    @inline(__always)
    private static func loadLine(_ line: UnsafePointer<Float>, from start: Int, count: Int) -> SIMD32<Float> {
        typealias Vector = Kernels.Vector
        @inline(__always) func piece(_ first: Int) -> Vector {
            if first >= 0 && first + 8 <= count { return Kernels.load(line + first) }
            var piece = Vector()
            for lane in max(0, -first)..<max(0, min(8, count - first)) { piece[lane] = line[first + lane] }
            return piece
        }
        return SIMD32(lowHalf: SIMD16(lowHalf: piece(start), highHalf: piece(start + 8)),
                      highHalf: SIMD16(lowHalf: piece(start + 16), highHalf: piece(start + 24)))
    }

    /// `line[0..<count] = values[0..<count]`.
    @inline(__always)
    private static func storeLine(_ values: SIMD32<Float>, _ line: UnsafeMutablePointer<Float>, count: Int) {
        @inline(__always) func piece(_ piece: Kernels.Vector, _ first: Int) {
            if first + 8 <= count {
                Kernels.store(piece, line + first)
            } else {
                for lane in 0..<max(0, count - first) { line[first + lane] = piece[lane] }
            }
        }
        piece(values.lowHalf.lowHalf, 0)
        piece(values.lowHalf.highHalf, 8)
        piece(values.highHalf.lowHalf, 16)
        piece(values.highHalf.highHalf, 24)
    }

    /// `V[ξ][c][tile] = (Bᵀ d B)[ξ]` for every 6×6 tile `d` of every channel, eight tiles of a
    /// row to a vector: `Bᵀ` down the columns of a row of tiles, then `B` along each tile's rows.
    /// A row's last vector may spill into the next row's tiles, which are written after it.
    private static func transformTiles(
        _ bordered: UnsafePointer<Float>, _ g: Geometry, columnTransforms t: UnsafeMutablePointer<Float>,
        into v: UnsafeMutablePointer<Float>
    ) {
        let (width, line) = (g.phaseWidth, g.lineWidth)
        let planeStride = g.inputPlane
        for c in 0..<g.inputs {
            for ty in 0..<g.tileRows {
                let top = bordered + (c * g.borderedHeight + 4 * ty) * line
                // t[a][r][q] = (Bᵀ · column 4q + r of the tile rows)[a]
                for q in stride(from: 0, to: line, by: 8) {
                    store(inputTransform(Kernels.load(top + q), Kernels.load(top + line + q), Kernels.load(top + 2 * line + q),
                                         Kernels.load(top + 3 * line + q), Kernels.load(top + 4 * line + q), Kernels.load(top + 5 * line + q)),
                          t + q, stride: line)
                }
                for first in stride(from: 0, to: g.tileColumns, by: 8) {
                    let target = v + c * g.tileStride + ty * g.tileColumns + first
                    for a in 0..<6 {
                        let d = t + a * line + first
                        store(inputTransform(Kernels.load(d), Kernels.load(d + width), Kernels.load(d + 2 * width),
                                             Kernels.load(d + 3 * width), Kernels.load(d + 1), Kernels.load(d + width + 1)),
                              target + a * 6 * planeStride, stride: planeStride)
                    }
                }
            }
        }
    }

    /// `out[o] = bias[o] + (Aᵀ M A)` per tile, eight tiles of a row to a vector, keeping the
    /// outputs that fall inside the image.
    private static func transformOutputs(
        _ m: UnsafePointer<Float>, _ g: Geometry, bias: UnsafePointer<Float>?, into out: UnsafeMutablePointer<Float>
    ) {
        typealias Vector = Kernels.Vector
        let (oh, ow) = (g.outputHeight, g.outputWidth)
        let planeStride = g.outputPlane
        withUnsafeTemporaryAllocation(of: Vector.self, capacity: 24) { buffer in
            let rows = buffer.baseAddress!
            for o in 0..<g.outputs {
                let offset = Vector(repeating: bias?[o] ?? 0)
                for ty in 0..<g.tileRows {
                    for first in stride(from: 0, to: g.tileColumns, by: 8) {
                        let point = m + o * g.tileStride + ty * g.tileColumns + first
                        // Aᵀ down each column of the 6×6 points, then A along each of the four rows.
                        for b in 0..<6 {
                            let column = point + b * planeStride
                            (rows[b], rows[6 + b], rows[12 + b], rows[18 + b]) = outputTransform(
                                Kernels.load(column), Kernels.load(column + 6 * planeStride), Kernels.load(column + 12 * planeStride),
                                Kernels.load(column + 18 * planeStride), Kernels.load(column + 24 * planeStride),
                                Kernels.load(column + 30 * planeStride))
                        }
                        let count = min(32, ow - 4 * first)
                        for a in 0..<min(4, oh - 4 * ty) {
                            let row = rows + 6 * a
                            let r = outputTransform(row[0], row[1], row[2], row[3], row[4], row[5])
                            // Lane l of r.j is output 4l + j of the line.
                            var pairs = (SIMD16<Float>(), SIMD16<Float>()), line = SIMD32<Float>()
                            (pairs.0.evenHalf, pairs.0.oddHalf) = (r.0 + offset, r.2 + offset)
                            (pairs.1.evenHalf, pairs.1.oddHalf) = (r.1 + offset, r.3 + offset)
                            (line.evenHalf, line.oddHalf) = pairs
                            let target = out + (o * oh + 4 * ty + a) * ow + 4 * first
                            storeLine(line, target, count: count)
                        }
                    }
                }
            }
        }
    }

    /// Stores six vectors `stride` floats apart.
    @inline(__always)
    private static func store(
        _ r: (Kernels.Vector, Kernels.Vector, Kernels.Vector, Kernels.Vector, Kernels.Vector, Kernels.Vector),
        _ target: UnsafeMutablePointer<Float>, stride: Int
    ) {
        Kernels.store(r.0, target)
        Kernels.store(r.1, target + stride)
        Kernels.store(r.2, target + 2 * stride)
        Kernels.store(r.3, target + 3 * stride)
        Kernels.store(r.4, target + 4 * stride)
        Kernels.store(r.5, target + 5 * stride)
    }

    /// `Bᵀ d` for one column (or row) of six.
    @inline(__always)
    private static func inputTransform<V: TransformLanes>(_ d0: V, _ d1: V, _ d2: V, _ d3: V, _ d4: V, _ d5: V) -> (V, V, V, V, V, V) {
        (4 * d0 - 5 * d2 + d4,
         d3 + d4 - 4 * (d1 + d2),
         4 * (d1 - d2) - d3 + d4,
         2 * (d3 - d1) - d2 + d4,
         2 * (d1 - d3) - d2 + d4,
         4 * d1 - 5 * d3 + d5)
    }

    /// `A e` for one column (or row) of four: `A` is `Aᵀ` transposed.
    @inline(__always)
    private static func gradientTransform<V: TransformLanes>(_ e0: V, _ e1: V, _ e2: V, _ e3: V) -> (V, V, V, V, V, V) {
        let (sum02, sum13) = (e0 + e2, e1 + e3)
        let (quadruple2, octuple3) = (4 * e2, 8 * e3)
        return (e0,
                sum02 + sum13,
                sum02 - sum13,
                e0 + 2 * e1 + quadruple2 + octuple3,
                e0 - 2 * e1 + quadruple2 - octuple3,
                e3)
    }

    /// `Gᵀ s` for one column (or row) of six: `G` is the filter transform of `transformWeights`.
    @inline(__always)
    private static func filterTransform<V: TransformLanes>(_ s0: V, _ s1: V, _ s2: V, _ s3: V, _ s4: V, _ s5: V) -> (V, V, V) {
        let (sum12, difference21, sum34, difference34) = (s1 + s2, s2 - s1, s3 + s4, s3 - s4)
        return (0.25 * s0 - (1 / 6) * sum12 + (1 / 24) * sum34,
                (1 / 6) * difference21 + (1 / 12) * difference34,
                (1 / 6) * (sum34 - sum12) + s5)
    }

    /// `Aᵀ m` for one column (or row) of six.
    @inline(__always)
    private static func outputTransform<V: TransformLanes>(_ m0: V, _ m1: V, _ m2: V, _ m3: V, _ m4: V, _ m5: V) -> (V, V, V, V) {
        let (sum12, difference12, sum34, difference34) = (m1 + m2, m1 - m2, m3 + m4, m3 - m4)
        return (m0 + sum12 + sum34,
                difference12 + 2 * difference34,
                sum12 + 4 * sum34,
                difference12 + 8 * difference34 + m5)
    }
}

/// A float or a vector of floats: what the transforms' few operations need.
protocol TransformLanes {
    static func + (lhs: Self, rhs: Self) -> Self
    static func - (lhs: Self, rhs: Self) -> Self
    static func * (lhs: Float, rhs: Self) -> Self
}

extension Float: TransformLanes {}
extension SIMD8: TransformLanes where Scalar == Float {}
