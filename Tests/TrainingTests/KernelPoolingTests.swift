import Loaders
import Testing
@testable import Training

/// The 2×2, stride-2 max pooling that runs eight windows at a time agrees with the definition:
/// the first maximum in row-major order of each window, its gradient routed there.
@Suite struct KernelPoolingTests {
    /// Rows of 18 windows (two vector steps and a tail, an odd column left over), exactly 8, LeNet's
    /// 14 and 5, and fewer than 8 with an odd height.
    static let shapes: [[Int]] = [[3, 2, 6, 37], [2, 3, 5, 16], [4, 2, 28, 28], [2, 4, 10, 10], [5, 1, 7, 9]]

    @Test(arguments: shapes) func pool2x2MatchesTheDefinition(_ shape: [Int]) {
        // Values from a set of four, so most windows hold ties, the rectifier's zeros among them.
        var generator = SeededGenerator(seed: 91)
        let count = shape.reduce(1, *)
        let input = Tensor(shape: shape, scalars: (0..<count).map { _ in [-1, 0, 0.5, 1][Int.random(in: 0..<4, using: &generator)] as Float })
        let (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3])
        let (oh, ow) = (h / 2, w / 2)
        let probe = GradientCheck.random([shape[0], shape[1], oh, ow], seed: 92)
        let pool = MaxPool2d(kernelSize: 2)
        let output = pool.forward(input)
        let gradient = pool.backward(probe)
        #expect(output.shape == probe.shape)

        var expectedOutput = [Float](repeating: 0, count: probe.count)
        var expectedGradient = [Float](repeating: 0, count: count)
        for plane in 0..<planes {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var best = (plane * h + 2 * oy) * w + 2 * ox
                    for index in [best + 1, best + w, best + w + 1] where input.scalars[index] > input.scalars[best] { best = index }
                    let o = (plane * oh + oy) * ow + ox
                    expectedOutput[o] = input.scalars[best]
                    expectedGradient[best] += probe.scalars[o]
                }
            }
        }
        #expect(Array(output.scalars) == expectedOutput)
        #expect(Array(gradient.scalars) == expectedGradient)
    }

    /// Inside a convolution with its rectifier, on rows wide enough for the vector steps, the
    /// pooled values and gradients match the definition applied to the convolution's own output.
    @Test func fusedPoolingMatchesTheDefinition() {
        let input = GradientCheck.random([3, 1, 12, 40], seed: 93)
        let conv = Conv2d(inputChannels: 1, outputChannels: 2, kernelSize: 3, padding: 1, seed: 94)
        let full = Array(Conv2d(inputChannels: 1, outputChannels: 2, kernelSize: 3, padding: 1, seed: 94).forward(input).scalars)
        _ = Sequential([conv, ReLU(), MaxPool2d(kernelSize: 2)])
        let output = conv.forward(input)
        let (h, w, oh, ow) = (12, 40, 6, 20)
        for plane in 0..<6 {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let first = (plane * h + 2 * oy) * w + 2 * ox
                    let window = [first, first + 1, first + w, first + w + 1].map { max(full[$0], 0) }
                    #expect(output.scalars[(plane * oh + oy) * ow + ox] == window.max()!)
                }
            }
        }
    }
}
