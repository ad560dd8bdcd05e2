import Loaders
import Testing
@testable import Training

/// The per-layer kernels against the plain computations they replace, on odd sizes, padding and
/// strides.
@Suite struct KernelTests {
    static let geometries: [Im2col.Geometry] = [
        .init(channels: 1, height: 28, width: 28, kernelSize: 5, stride: 1, padding: 2),
        .init(channels: 3, height: 7, width: 9, kernelSize: 3, stride: 1, padding: 0),
        .init(channels: 6, height: 14, width: 14, kernelSize: 5, stride: 1, padding: 0),
        .init(channels: 2, height: 12, width: 26, kernelSize: 3, stride: 1, padding: 0),
        .init(channels: 2, height: 11, width: 5, kernelSize: 3, stride: 2, padding: 1),
        .init(channels: 2, height: 9, width: 10, kernelSize: 4, stride: 3, padding: 2),
        .init(channels: 1, height: 3, width: 4, kernelSize: 5, stride: 1, padding: 3),
        .init(channels: 2, height: 6, width: 13, kernelSize: 1, stride: 2, padding: 0),
        .init(channels: 1, height: 5, width: 5, kernelSize: 2, stride: 4, padding: 3),
    ]

    /// `image[c][y][x]` for the column matrix's entry (row, column), or nil in the padding.
    static func source(_ g: Im2col.Geometry, row: Int, column: Int) -> Int? {
        let (c, ky, kx) = (row / (g.kernelSize * g.kernelSize), row / g.kernelSize % g.kernelSize, row % g.kernelSize)
        let (oy, ox) = (column / g.outputWidth, column % g.outputWidth)
        let (y, x) = (oy * g.stride - g.padding + ky, ox * g.stride - g.padding + kx)
        guard y >= 0, y < g.height, x >= 0, x < g.width else { return nil }
        return (c * g.height + y) * g.width + x
    }

    @Test(arguments: geometries) func unfoldMatchesTheDefinition(_ g: Im2col.Geometry) {
        let image = GradientCheck.random([g.channels * g.height * g.width], seed: 40).scalars
        var col = [Float](repeating: .nan, count: g.patchSize * g.outputPixels)
        image.withUnsafeBufferPointer { x in
            col.withUnsafeMutableBufferPointer { Im2col.unfold(x.baseAddress!, g, into: $0.baseAddress!) }
        }
        for row in 0..<g.patchSize {
            for column in 0..<g.outputPixels {
                let expected = Self.source(g, row: row, column: column).map { image[$0] } ?? 0
                #expect(col[row * g.outputPixels + column] == expected, "row \(row), column \(column) of \(g)")
            }
        }
    }

    @Test(arguments: geometries) func foldAddsEveryEntryOntoItsSource(_ g: Im2col.Geometry) {
        let col = GradientCheck.random([g.patchSize * g.outputPixels], seed: 41).scalars
        let start = GradientCheck.random([g.channels * g.height * g.width], seed: 42).scalars
        var expected = start.map(Double.init)
        for row in 0..<g.patchSize {
            for column in 0..<g.outputPixels {
                if let index = Self.source(g, row: row, column: column) {
                    expected[index] += Double(col[row * g.outputPixels + column])
                }
            }
        }
        var image = start
        col.withUnsafeBufferPointer { c in
            image.withUnsafeMutableBufferPointer { Im2col.foldAdding(c.baseAddress!, g, into: $0.baseAddress!) }
        }
        for (index, value) in image.enumerated() {
            #expect(abs(Double(value) - expected[index]) <= 1e-5, "element \(index) of \(g)")
        }
    }

    @Test func insideIsTheRangeOfValidPositions() {
        for stride in 1...4 {
            for offset in -6...6 {
                for size in 1...7 {
                    for count in 0...8 {
                        let valid = (0..<count).filter { (0..<size).contains($0 * stride + offset) }
                        let range = Im2col.inside(offset: offset, stride: stride, count: count, size: size)
                        #expect(Array(range) == valid, "offset \(offset), stride \(stride), size \(size), count \(count)")
                    }
                }
            }
        }
    }

    /// Planes enough for both threads; windows with ties (the first maximum wins) and strides
    /// that skip or overlap.
    @Test(arguments: [(2, 2), (3, 2), (2, 3), (3, 1)])
    func maxPoolMatchesTheDefinition(_ k: Int, _ s: Int) {
        let shape = [5, 3, 11, 9]
        var input = GradientCheck.random(shape, seed: 43)
        for index in stride(from: 0, to: input.count, by: 7) { input.scalars[index] = 0.5 }
        let probe = GradientCheck.random([5, 3, (11 - k) / s + 1, (9 - k) / s + 1], seed: 44)
        let pool = MaxPool2d(kernelSize: k, stride: s)
        let output = pool.forward(input)
        let gradient = pool.backward(probe)
        #expect(output.shape == probe.shape)
        let (oh, ow) = (probe.shape[2], probe.shape[3])
        var expected = [Float](repeating: 0, count: input.count)
        for plane in 0..<15 {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var best = -1
                    for ky in 0..<k {
                        for kx in 0..<k {
                            let index = (plane * 11 + oy * s + ky) * 9 + ox * s + kx
                            if best < 0 || input.scalars[index] > input.scalars[best] { best = index }
                        }
                    }
                    let o = (plane * oh + oy) * ow + ox
                    #expect(output.scalars[o] == input.scalars[best])
                    expected[best] += probe.scalars[o]
                }
            }
        }
        #expect(gradient.scalars == expected)
    }

    /// Each element's fate is the counter-based draw for (seed, pass, element), so it does not
    /// depend on how the threads split the tensor; passes draw fresh masks.
    @Test func dropoutMasksAreTheCounterDraws() {
        let input = GradientCheck.random([7, 4_099], seed: 45)
        let probe = GradientCheck.random([7, 4_099], seed: 46)
        let layer = Dropout(probability: 0.3, seed: 9)
        let threshold = UInt32(Double(Float(0.3)) * 0x1p32)
        var masks: [[Bool]] = []
        for pass in 0..<3 {
            let output = layer.forward(input)
            let gradient = layer.backward(probe)
            let key = CounterHash.key(9, UInt64(pass))
            var dropped = [Bool](repeating: false, count: input.count)
            for i in 0..<input.count {
                let bits = CounterHash.value(key, i / 2) >> (i % 2 == 0 ? 0 : 32)
                dropped[i] = UInt32(truncatingIfNeeded: bits) < threshold
                let factor: Float = dropped[i] ? 0 : 1 / (1 - 0.3)
                #expect(output.scalars[i] == input.scalars[i] * factor)
                #expect(gradient.scalars[i] == probe.scalars[i] * factor)
            }
            let rate = Double(dropped.filter { $0 }.count) / Double(input.count)
            #expect(abs(rate - 0.3) < 0.01)
            masks.append(dropped)
        }
        #expect(masks[0] != masks[1] && masks[1] != masks[2])
    }
}
