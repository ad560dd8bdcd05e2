/// Unfolds image patches into columns (im2col) and folds column gradients back (col2im), so a
/// convolution becomes one matrix multiply per image.
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

    /// Writes `col[(c·k + ky)·k + kx][oy·Wo + ox] = image[c][oy·s − p + ky][ox·s − p + kx]`,
    /// zero where the patch overhangs the padded border.
    /// - Complexity: O(patchSize · outputPixels).
    static func unfold(_ image: UnsafePointer<Float>, _ g: Geometry, into col: UnsafeMutablePointer<Float>) {
        let (k, s, p) = (g.kernelSize, g.stride, g.padding)
        let (oh, ow, h, w) = (g.outputHeight, g.outputWidth, g.height, g.width)
        var row = 0
        for c in 0..<g.channels {
            let plane = image + c * h * w
            for ky in 0..<k {
                for kx in 0..<k {
                    let out = col + row * oh * ow
                    for oy in 0..<oh {
                        let iy = oy * s - p + ky
                        let line = out + oy * ow
                        guard iy >= 0, iy < h else {
                            line.update(repeating: 0, count: ow)
                            continue
                        }
                        let source = plane + iy * w
                        if s == 1 {
                            // Contiguous run: the valid ox range is [p − kx, w + p − kx).
                            let first = min(ow, max(0, p - kx))
                            let last = max(first, min(ow, w + p - kx))
                            if first > 0 { line.update(repeating: 0, count: first) }
                            if last > first { (line + first).update(from: source + (first - p + kx), count: last - first) }
                            if last < ow { (line + last).update(repeating: 0, count: ow - last) }
                        } else {
                            for ox in 0..<ow {
                                let ix = ox * s - p + kx
                                line[ox] = (ix >= 0 && ix < w) ? source[ix] : 0
                            }
                        }
                    }
                    row += 1
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
        var row = 0
        for c in 0..<g.channels {
            let plane = image + c * h * w
            for ky in 0..<k {
                for kx in 0..<k {
                    let source = col + row * oh * ow
                    for oy in 0..<oh {
                        let iy = oy * s - p + ky
                        guard iy >= 0, iy < h else { continue }
                        let target = plane + iy * w
                        let line = source + oy * ow
                        for ox in 0..<ow {
                            let ix = ox * s - p + kx
                            if ix >= 0 && ix < w { target[ix] += line[ox] }
                        }
                    }
                    row += 1
                }
            }
        }
    }
}
