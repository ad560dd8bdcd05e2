import Loaders
import Testing
@testable import Training

/// Winograd's F(4×4, 3×3) gives the sums of the direct convolution, taken in double precision, on
/// its own and inside `Conv2d`: the forward pass, the weight gradient, and the input gradient
/// through the turned filters.
@Suite struct WinogradTests {
    /// `out[o][y][x] = Σ image[i][y + dy − p][x + dx − p] · w[o][i][dy][dx]` in double precision,
    /// with the sum of the terms' magnitudes, against which single precision's error is measured.
    static func directSum(
        _ image: [Float], _ weight: [Float], inputs: Int, outputs: Int, height: Int, width: Int, padding p: Int
    ) -> (values: [Double], magnitudes: [Double]) {
        let (oh, ow) = (height + 2 * p - 2, width + 2 * p - 2)
        var values = [Double](repeating: 0, count: outputs * oh * ow), magnitudes = values
        for o in 0..<outputs {
            for y in 0..<oh {
                for x in 0..<ow {
                    var (sum, magnitude) = (0.0, 0.0)
                    for i in 0..<inputs {
                        for dy in 0..<3 {
                            for dx in 0..<3 {
                                let (iy, ix) = (y + dy - p, x + dx - p)
                                guard iy >= 0 && iy < height && ix >= 0 && ix < width else { continue }
                                let term = Double(image[(i * height + iy) * width + ix]) * Double(weight[((o * inputs + i) * 3 + dy) * 3 + dx])
                                sum += term
                                magnitude += abs(term)
                            }
                        }
                    }
                    values[(o * oh + y) * ow + x] = sum
                    magnitudes[(o * oh + y) * ow + x] = magnitude
                }
            }
        }
        return (values, magnitudes)
    }

    /// The largest error relative to the magnitude of the summed terms (at least 1e-3).
    static func relativeError(_ actual: [Float], _ expected: (values: [Double], magnitudes: [Double])) -> Double {
        guard actual.count == expected.values.count else { return .infinity }
        return zip(actual.indices, actual).map { index, value in
            abs(Double(value) - expected.values[index]) / max(1e-3, expected.magnitudes[index])
        }.max() ?? 0
    }

    @Test(arguments: [
        (inputs: 32, outputs: 64, height: 26, width: 26, padding: 0),  // examples/mnist's conv2
        (inputs: 64, outputs: 32, height: 24, width: 24, padding: 2),  // its input gradient: 7×7 tiles, 26 of 28 kept
        (inputs: 3, outputs: 5, height: 9, width: 7, padding: 1),      // outputs 9×7: partial tiles both ways
        (inputs: 2, outputs: 3, height: 5, width: 42, padding: 0),     // 10 tiles a row: two vectors, the first spilling
        (inputs: 1, outputs: 2, height: 3, width: 3, padding: 0),      // a single output
        (inputs: 4, outputs: 1, height: 6, width: 10, padding: 2),
    ])
    func convolveMatchesTheDirectSum(inputs: Int, outputs: Int, height: Int, width: Int, padding: Int) {
        let g = Winograd.Geometry(inputs: inputs, outputs: outputs, height: height, width: width, padding: padding)
        let image = GradientCheck.random([inputs, height, width], seed: 50).scalars
        let weight = GradientCheck.random([outputs, inputs, 3, 3], seed: 51).scalars
        let bias = GradientCheck.random([outputs], seed: 52).scalars
        var u = [Float](repeating: 0, count: g.weightCount)
        // Stale values in the scratch must not leak into the result.
        var scratch = [Float](repeating: .nan, count: g.scratchCount)
        var out = [Float](repeating: .nan, count: outputs * g.outputHeight * g.outputWidth)
        Winograd.transformWeights(weight, outputs: outputs, inputs: inputs, transposed: false, into: &u)
        Winograd.convolve(image, g, weights: u, bias: bias, into: &out, scratch: &scratch)
        var expected = Self.directSum(image, weight, inputs: inputs, outputs: outputs, height: height, width: width, padding: padding)
        let plane = g.outputHeight * g.outputWidth
        for index in expected.values.indices { expected.values[index] += Double(bias[index / plane]) }
        #expect(Self.relativeError(out, expected) <= 1e-5)
    }

    /// `dW[o][i][dy][dx] = Σ e[o][y][x] · image[i][y + dy − p][x + dx − p]` over the images, in
    /// double precision, with the sum of the terms' magnitudes.
    static func weightGradientSum(
        _ images: [[Float]], _ gradients: [[Float]], inputs: Int, outputs: Int, height: Int, width: Int, padding p: Int
    ) -> (values: [Double], magnitudes: [Double]) {
        let (oh, ow) = (height + 2 * p - 2, width + 2 * p - 2)
        var values = [Double](repeating: 0, count: outputs * inputs * 9), magnitudes = values
        for (image, gradient) in zip(images, gradients) {
            for o in 0..<outputs {
                for i in 0..<inputs {
                    for tap in 0..<9 {
                        let (dy, dx) = (tap / 3, tap % 3)
                        for y in 0..<oh {
                            for x in 0..<ow {
                                let (iy, ix) = (y + dy - p, x + dx - p)
                                guard iy >= 0 && iy < height && ix >= 0 && ix < width else { continue }
                                let term = Double(gradient[(o * oh + y) * ow + x]) * Double(image[(i * height + iy) * width + ix])
                                values[(o * inputs + i) * 9 + tap] += term
                                magnitudes[(o * inputs + i) * 9 + tap] += abs(term)
                            }
                        }
                    }
                }
            }
        }
        return (values, magnitudes)
    }

    /// Two images' weight gradients summed in Winograd's space, brought back and added to a
    /// gradient already holding 1 in every tap.
    @Test(arguments: [
        (inputs: 32, outputs: 64, height: 26, width: 26, padding: 0),
        (inputs: 3, outputs: 5, height: 9, width: 7, padding: 1),
        (inputs: 2, outputs: 3, height: 5, width: 42, padding: 0),
        (inputs: 4, outputs: 1, height: 6, width: 10, padding: 2),
    ])
    func weightGradientMatchesTheDirectSum(inputs: Int, outputs: Int, height: Int, width: Int, padding: Int) {
        let g = Winograd.Geometry(inputs: inputs, outputs: outputs, height: height, width: width, padding: padding)
        let images = (0..<2).map { GradientCheck.random([inputs, height, width], seed: 70 + UInt64($0)).scalars }
        let gradients = (0..<2).map { GradientCheck.random([outputs, g.outputHeight, g.outputWidth], seed: 72 + UInt64($0)).scalars }
        var sums = [Float](repeating: 0, count: g.weightCount)
        var scratch = [Float](repeating: .nan, count: g.scratchCount)
        for (image, gradient) in zip(images, gradients) {
            Winograd.accumulateWeightGradient(image, g, outputGradient: gradient, into: &sums, scratch: &scratch)
        }
        var weight = [Float](repeating: 1, count: outputs * inputs * 9)
        Winograd.weightGradient(from: sums, outputs: outputs, inputs: inputs, adding: &weight)
        var expected = Self.weightGradientSum(images, gradients, inputs: inputs, outputs: outputs, height: height, width: width, padding: padding)
        for index in expected.values.indices { expected.values[index] += 1 }
        #expect(Self.relativeError(weight, expected) <= 1e-5)
    }

    /// A `Conv2d` wide enough for Winograd: its output, its weight gradient, and its input gradient
    /// (the output gradient convolved with each filter turned by 180°, summed over the outputs).
    @Test(arguments: [0, 1, 2])
    func conv2dMatchesTheDirectSums(padding: Int) {
        let (batch, inputs, outputs, height, width) = (3, 32, 32, 9, 11)
        let layer = Conv2d(inputChannels: inputs, outputChannels: outputs, kernelSize: 3, padding: padding, seed: 9)
        let x = GradientCheck.random([batch, inputs, height, width], seed: 60)
        let y = layer.forward(x)
        let (oh, ow) = (height + 2 * padding - 2, width + 2 * padding - 2)
        let dy = GradientCheck.random([batch, outputs, oh, ow], seed: 61)
        let dx = layer.backward(dy)
        let (images, gradients) = ((0..<batch).map { n in Array(x.scalars[n * inputs * height * width..<(n + 1) * inputs * height * width]) },
                                   (0..<batch).map { n in Array(dy.scalars[n * outputs * oh * ow..<(n + 1) * outputs * oh * ow]) })
        let weightGradient = Self.weightGradientSum(images, gradients, inputs: inputs, outputs: outputs, height: height, width: width, padding: padding)
        #expect(Self.relativeError(layer.weight.gradient.scalars, weightGradient) <= 1e-5)
        // The input gradient as a convolution: filters transposed and turned, padding 2 − p.
        let w = layer.weight.value.scalars
        var turned = [Float](repeating: 0, count: w.count)
        for o in 0..<outputs {
            for i in 0..<inputs {
                for tap in 0..<9 { turned[(i * outputs + o) * 9 + 8 - tap] = w[(o * inputs + i) * 9 + tap] }
            }
        }
        for n in 0..<batch {
            let image = Array(x.scalars[n * inputs * height * width..<(n + 1) * inputs * height * width])
            var forward = Self.directSum(image, w, inputs: inputs, outputs: outputs, height: height, width: width, padding: padding)
            for index in forward.values.indices { forward.values[index] += Double(layer.bias.value.scalars[index / (oh * ow)]) }
            #expect(Self.relativeError(Array(y.scalars[n * outputs * oh * ow..<(n + 1) * outputs * oh * ow]), forward) <= 1e-5)
            let gradient = Array(dy.scalars[n * outputs * oh * ow..<(n + 1) * outputs * oh * ow])
            let backward = Self.directSum(gradient, turned, inputs: outputs, outputs: inputs, height: oh, width: ow, padding: 2 - padding)
            #expect(Self.relativeError(Array(dx.scalars[n * inputs * height * width..<(n + 1) * inputs * height * width]), backward) <= 1e-5)
        }
    }
}
