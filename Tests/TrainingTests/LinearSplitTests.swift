import Loaders
import Testing
@testable import Training

/// `Linear` gives the same outputs and gradients whichever way it splits and orients the work: by
/// the batch's rows (a wide layer with fewer outputs than samples) or by the weight's columns, and
/// the forward product as x · Wᵀ or, for few outputs, W · xᵀ.
@Suite struct LinearSplitTests {
    /// Gradients summed in double precision, one product at a time.
    static func reference(input x: Tensor<Float>, weight w: Tensor<Float>, outputGradient dy: Tensor<Float>)
        -> (weight: [Double], bias: [Double], input: [Double]) {
        let (batch, k) = (x.shape[0], x.shape[1])
        let n = w.shape[0]
        var dw = [Double](repeating: 0, count: n * k), db = [Double](repeating: 0, count: n)
        var dx = [Double](repeating: 0, count: batch * k)
        for row in 0..<batch {
            for o in 0..<n {
                let g = Double(dy.scalars[row * n + o])
                db[o] += g
                for i in 0..<k {
                    dw[o * k + i] += g * Double(x.scalars[row * k + i])
                    dx[row * k + i] += g * Double(w.scalars[o * k + i])
                }
            }
        }
        return (dw, db, dx)
    }

    /// Two backward passes, so the weight gradient's accumulation is checked as well.
    @Test(arguments: [
        (batch: 37, inputs: 1_500, outputs: 3),   // split by rows, a chunk of 18 and one of 19
        (batch: 64, inputs: 2_048, outputs: 10),  // split by rows, as the seed CNN's layer
        (batch: 9, inputs: 1_500, outputs: 3),    // too few rows to split: one thread
        (batch: 37, inputs: 1_500, outputs: 40),  // more outputs than samples: split by columns
        (batch: 37, inputs: 300, outputs: 3),     // narrow: split by columns
    ])
    func gradientsMatchDoublePrecisionSums(batch: Int, inputs: Int, outputs: Int) {
        let layer = Linear(inputFeatures: inputs, outputFeatures: outputs, seed: 7)
        let x = GradientCheck.random([batch, inputs], seed: 40)
        let dy = GradientCheck.random([batch, outputs], seed: 41)
        let expected = Self.reference(input: x, weight: layer.weight.value, outputGradient: dy)
        var output = Tensor<Float>.empty, inputGradient = Tensor<Float>.empty
        for _ in 0..<2 {
            output = layer.forward(x)
            inputGradient = layer.backward(dy)
        }
        let expectedOutput = (0..<batch * outputs).map { index in
            let (row, o) = (index / outputs, index % outputs)
            return (0..<inputs).reduce(Double(layer.bias.value.scalars[o])) {
                $0 + Double(x.scalars[row * inputs + $1]) * Double(layer.weight.value.scalars[o * inputs + $1])
            }
        }
        /// The largest error relative to max(1, |expected|).
        func error(_ actual: [Float], _ expected: [Double], times: Double) -> Double {
            guard actual.count == expected.count else { return .infinity }
            return zip(actual, expected).map { abs(Double($0) - times * $1) / max(1, abs(times * $1)) }.max() ?? 0
        }
        #expect(error(output.scalars, expectedOutput, times: 1) <= 1e-4)
        #expect(error(layer.weight.gradient.scalars, expected.weight, times: 2) <= 1e-4)
        #expect(error(layer.bias.gradient.scalars, expected.bias, times: 2) <= 1e-4)
        #expect(error(inputGradient.scalars, expected.input, times: 1) <= 1e-4)
    }
}
