import Loaders
@testable import Training

/// Central finite differences against a layer's backward pass, for the objective
/// `Σ forward(x) ⊙ probe`, whose gradient with respect to the output is `probe`.
struct GradientCheck {
    /// Step of the central difference; the layers are evaluated in Float, so a larger step keeps
    /// rounding error (≈ 1e-7 · |f| / step) well below the tolerance.
    var step: Float = 1e-2
    /// Allowed `|analytic − numeric| / max(|numeric|, floor)`.
    var tolerance: Double = 2e-3
    var floor: Double = 1e-2

    static func random(_ shape: [Int], seed: UInt64, range: ClosedRange<Float> = -1...1) -> Tensor<Float> {
        var generator = SeededGenerator(seed: seed)
        let count = Tensor<Float>.elementCount(of: shape)
        return Tensor(shape: shape, scalars: (0..<count).map { _ in Float.random(in: range, using: &generator) })
    }

    static func objective(_ output: Tensor<Float>, _ probe: Tensor<Float>) -> Double {
        zip(output.scalars, probe.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }

    /// The largest relative error over every input element and every parameter element.
    func worstError(of layer: any Layer, input: Tensor<Float>, probeSeed: UInt64 = 99) -> Double {
        layer.computesInputGradient = true
        let output = layer.forward(input)
        let probe = Self.random(output.shape, seed: probeSeed)
        layer.zeroGradients()
        let inputGradient = Array(layer.backward(probe).scalars)
        let parameterGradients = layer.parameters.map { Array($0.gradient.scalars) }

        var worst = 0.0
        func compare(_ analytic: Float, _ evaluate: (Float) -> Double) {
            let numeric = (evaluate(step) - evaluate(-step)) / (2 * Double(step))
            worst = max(worst, abs(Double(analytic) - numeric) / max(abs(numeric), floor))
        }
        for index in 0..<input.count {
            compare(inputGradient[index]) { delta in
                var shifted = input
                shifted.scalars[index] += delta
                return Self.objective(layer.forward(shifted), probe)
            }
        }
        for (parameter, gradient) in zip(layer.parameters, parameterGradients) {
            for index in 0..<parameter.value.count {
                compare(gradient[index]) { delta in
                    let original = parameter.value.scalars[index]
                    parameter.value.scalars[index] = original + delta
                    defer { parameter.value.scalars[index] = original }
                    return Self.objective(layer.forward(input), probe)
                }
            }
        }
        return worst
    }
}
