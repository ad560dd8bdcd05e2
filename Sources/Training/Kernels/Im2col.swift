/// Unfolds image patches into columns (im2col) and folds column gradients back (col2im), so a
/// convolution becomes one matrix multiply per image.
///
/// With stride 1, an image the convolution pads is first copied inside a border of zeros, so that
/// every line of the columns is a whole line of the image: one vectorised copy or sum, with no
/// bounds to work out per line (which took half the time on lines of 10 to 28 floats). Other
/// strides work a line at a time over the output columns whose input lies inside the image
/// (worked out once per line, not tested per element), and the padding is a fill.
enum Im2col {
    /// The geometry of one convolution over one image.
    struct Geometry: Equatable {
        var channels: Int
        var height: Int
        var width: Int
        var kernelSize: Int
        var stride: Int
        var padding: Int

        var outputHeight: Int { (height + 2 * padding - kernelSize) / stride + 1 }
        var outputWidth: Int { (width + 2 * padding - kernelSize) / stride + 1 }
        /// Rows of the column matrix: one per (channel, ky, kx).
        var patchSize: Int { channels * kernelSize * kernelSize }
        /// Columns of the column matrix: one per output pixel.
        var outputPixels: Int { outputHeight * outputWidth }
    }

    /// The outputs `o` in `0..<count` whose input position `o·stride + offset` lies in `0..<size`.
    @inline(__always)
    static func inside(offset: Int, stride: Int, count: Int, size: Int) -> Range<Int> {
        let first = offset >= 0 ? 0 : (stride - 1 - offset) / stride
        let last = size - 1 - offset < 0 ? 0 : (size - 1 - offset) / stride + 1
        let lower = min(first, count)
        return lower..<max(lower, min(last, count))
    }

    /// Runs `body` with zeroed room for the image inside its border of padding, and the geometry
    /// of the same convolution over that bordered image without padding.
    private static func withBorder(_ g: Geometry, _ body: (UnsafeMutablePointer<Float>, Geometry) -> Void) {
        var unpadded = g
        (unpadded.height, unpadded.width, unpadded.padding) = (g.height + 2 * g.padding, g.width + 2 * g.padding, 0)
        let count = g.channels * unpadded.height * unpadded.width
        withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { bordered in
            bordered.baseAddress!.initialize(repeating: 0, count: count)
            body(bordered.baseAddress!, unpadded)
        }
    }

    /// Calls `rows(image, column)` for every row of an unpadded stride-1 convolution's columns, in
    /// order: line `oy` of the row, `outputWidth` floats at `column + oy · outputWidth`, is as many
    /// consecutive floats of the image at `image + oy · width`.
    @inline(__always)
    private static func forEachRowOfWholeLines(_ g: Geometry, _ rows: (_ image: Int, _ column: Int) -> Void) {
        let (k, h, w) = (g.kernelSize, g.height, g.width)
        var column = 0
        for c in 0..<g.channels {
            for ky in 0..<k {
                for kx in 0..<k {
                    rows((c * h + ky) * w + kx, column)
                    column += g.outputPixels
                }
            }
        }
    }

    /// Writes `col[(c·k + ky)·k + kx][oy·Wo + ox] = image[c][oy·s − p + ky][ox·s − p + kx]`,
    /// zero where the patch overhangs the padded border.
    /// - Complexity: O(patchSize · outputPixels).
    static func unfold(_ image: UnsafePointer<Float>, _ g: Geometry, into col: UnsafeMutablePointer<Float>) {
        let (k, s, p) = (g.kernelSize, g.stride, g.padding)
        let (oh, ow, h, w) = (g.outputHeight, g.outputWidth, g.height, g.width)
        if s == 1 && p > 0 {
            withBorder(g) { bordered, unpadded in
                for c in 0..<g.channels {
                    for y in 0..<h {
                        (bordered + (c * unpadded.height + y + p) * unpadded.width + p).update(from: image + (c * h + y) * w, count: w)
                    }
                }
                unfold(bordered, unpadded, into: col)
            }
            return
        }
        if s == 1 && p == 0 {
            forEachRowOfWholeLines(g) { source, target in
                for oy in 0..<oh { Kernels.copy(image + source + oy * w, to: col + target + oy * ow, count: ow) }
            }
            return
        }
        var out = col
        for c in 0..<g.channels {
            let plane = image + c * h * w
            for ky in 0..<k {
                let rows = inside(offset: ky - p, stride: s, count: oh, size: h)
                for kx in 0..<k {
                    let columns = inside(offset: kx - p, stride: s, count: ow, size: w)
                    Kernels.zero(out, count: rows.lowerBound * ow)
                    for oy in rows {
                        let line = out + oy * ow
                        let source = plane + (oy * s - p + ky) * w + (kx - p)
                        Kernels.zero(line, count: columns.lowerBound)
                        if s == 1 {
                            Kernels.copy(source + columns.lowerBound, to: line + columns.lowerBound, count: columns.count)
                        } else {
                            for ox in columns { line[ox] = source[ox * s] }
                        }
                        Kernels.zero(line + columns.upperBound, count: ow - columns.upperBound)
                    }
                    Kernels.zero(out + rows.upperBound * ow, count: (oh - rows.upperBound) * ow)
                    out += oh * ow
                }
            }
        }
    }

    /// Adds each column entry back onto the image position it was unfolded from (the adjoint of
    /// `unfold`); `image` must be zeroed or hold gradient to accumulate onto.
    /// - Complexity: O(patchSize · outputPixels).
    static func foldAdding(_ col: UnsafePointer<Float>, _ g: Geometry, into image: UnsafeMutablePointer<Float>) {
        let (k, s, p) = (g.kernelSize, g.stride, g.padding)
        let (oh, ow, h, w) = (g.outputHeight, g.outputWidth, g.height, g.width)
        if s == 1 && p > 0 {
            withBorder(g) { bordered, unpadded in
                foldAdding(col, unpadded, into: bordered)
                for c in 0..<g.channels {
                    for y in 0..<h {
                        Kernels.add(bordered + (c * unpadded.height + y + p) * unpadded.width + p, to: image + (c * h + y) * w, count: w)
                    }
                }
            }
            return
        }
        if s == 1 && p == 0 {
            forEachRowOfWholeLines(g) { target, source in
                for oy in 0..<oh { Kernels.add(col + source + oy * ow, to: image + target + oy * w, count: ow) }
            }
            return
        }
        var source = col
        for c in 0..<g.channels {
            let plane = image + c * h * w
            for ky in 0..<k {
                let rows = inside(offset: ky - p, stride: s, count: oh, size: h)
                for kx in 0..<k {
                    let columns = inside(offset: kx - p, stride: s, count: ow, size: w)
                    for oy in rows {
                        let line = source + oy * ow
                        let target = plane + (oy * s - p + ky) * w + (kx - p)
                        if s == 1 {
                            Kernels.add(line + columns.lowerBound, to: target + columns.lowerBound, count: columns.count)
                        } else {
                            for ox in columns { target[ox * s] += line[ox] }
                        }
                    }
                    source += oh * ow
                }
            }
        }
    }
}
