import Foundation
import Loaders
import Testing
@testable import Training

/// Finite-difference checks and evaluation-mode behaviour of the normalisation, pooling and
/// activation layers, and the running statistics in a model file.
@Suite struct NewLayerTests {
    let check = GradientCheck()

    @Test func batchNorm2dGradients() {
        let layer = BatchNorm2d(features: 3)
        layer.weight.value.scalars = [0.7, 1.3, -0.4]
        layer.bias.value.scalars = [0.1, -0.2, 0.3]
        #expect(check.worstError(of: layer, input: GradientCheck.random([3, 3, 4, 2], seed: 40, range: -2...3)) < check.tolerance)
    }

    @Test func batchNorm1dGradients() {
        let layer = BatchNorm1d(features: 4)
        layer.weight.value.scalars = [0.7, 1.3, -0.4, 2]
        #expect(check.worstError(of: layer, input: GradientCheck.random([5, 4], seed: 41)) < check.tolerance)
        let sequence = BatchNorm1d(features: 2)
        #expect(check.worstError(of: sequence, input: GradientCheck.random([3, 2, 4], seed: 42)) < check.tolerance)
    }

    /// In evaluation mode the running statistics normalise, whatever the batch: a single sample
    /// gives `(x − mean) / √(var + ε) · w + b` with the stored values.
    @Test func batchNormEvaluationUsesRunningStatistics() {
        let layer = BatchNorm2d(features: 2)
        layer.runningMean.value.scalars = [1, -2]
        layer.runningVariance.value.scalars = [4, 0.25]
        layer.weight.value.scalars = [3, 1]
        layer.bias.value.scalars = [0.5, 0]
        layer.isTraining = false
        let output = layer.forward(Tensor(shape: [1, 2, 1, 2], scalars: [3, 1, -2, -1.5]))
        let expected: [Float] = [
            (3 - 1) / (4 + 1e-5).squareRoot() * 3 + 0.5, (1 - 1) / (4 + 1e-5).squareRoot() * 3 + 0.5,
            0, 0.5 / (0.25 + 1e-5).squareRoot(),
        ]
        for (a, b) in zip(output.scalars, expected) { #expect(abs(a - b) <= 1e-6 * max(1, abs(b))) }
        #expect(layer.runningMean.value.scalars == [1, -2])
    }

    @Test func avgPoolGradients() {
        let input = GradientCheck.random([2, 2, 7, 6], seed: 43)
        #expect(check.worstError(of: AvgPool2d(kernelSize: 2), input: input) < check.tolerance)
        #expect(check.worstError(of: AvgPool2d(kernelSize: 3, stride: 2, padding: 1), input: input) < check.tolerance)
    }

    @Test func adaptiveAvgPoolGradients() {
        let input = GradientCheck.random([2, 2, 7, 5], seed: 44)
        #expect(check.worstError(of: AdaptiveAvgPool2d(outputHeight: 3, outputWidth: 4), input: input) < check.tolerance)
        #expect(check.worstError(of: AdaptiveAvgPool2d(outputHeight: 9, outputWidth: 2), input: input) < check.tolerance)
    }

    @Test func activationGradients() {
        let input = GradientCheckTests.awayFromZero([3, 4, 2], seed: 45)
        #expect(check.worstError(of: LeakyReLU(), input: input) < check.tolerance)
        #expect(check.worstError(of: LeakyReLU(negativeSlope: 0.3), input: input) < check.tolerance)
        let wide = GradientCheck.random([3, 4, 2], seed: 46, range: -3...3)
        #expect(check.worstError(of: Sigmoid(), input: wide) < check.tolerance)
        #expect(check.worstError(of: Tanh(), input: wide) < check.tolerance)
    }

    /// The pooling and activation layers have no mode: evaluation gives the training output.
    @Test func statelessLayersIgnoreEvaluationMode() {
        let input = GradientCheck.random([2, 2, 6, 6], seed: 47)
        let layers: [any Layer] = [AvgPool2d(kernelSize: 2), AdaptiveAvgPool2d(outputSize: 2), LeakyReLU(), Sigmoid(), Tanh()]
        for layer in layers {
            let training = Array(layer.forward(input).scalars)
            layer.isTraining = false
            #expect(Array(layer.forward(input).scalars) == training)
        }
    }

    /// A model with batch normalisation saves its running statistics after the parameters, and
    /// loads them back bit for bit, so an evaluated reloaded model matches the trained one.
    @Test func modelFileKeepsRunningStatistics() throws {
        func model() -> Sequential {
            Sequential([
                Conv2d(inputChannels: 1, outputChannels: 2, kernelSize: 3, seed: 3), BatchNorm2d(features: 2), ReLU(),
                Flatten(), Linear(inputFeatures: 18, outputFeatures: 3, seed: 4),
            ])
        }
        let trained = model()
        let input = GradientCheck.random([4, 1, 5, 5], seed: 48)
        _ = trained.forward(input)
        #expect(trained.state.map(\.name) == ["0.weight", "0.bias", "1.weight", "1.bias", "4.weight", "4.bias", "1.running_mean", "1.running_var"])
        let path = ModelFileTests.temporaryPath("batchnorm.bin")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ModelFile.save(trained.state, to: path)
        let restored = model()
        #expect(restored.buffers[0].value != trained.buffers[0].value)
        try ModelFile.load(into: restored.state, from: path)
        for (a, b) in zip(trained.state, restored.state) { #expect(a.value == b.value) }
        trained.isTraining = false
        restored.isTraining = false
        #expect(trained.forward(input) == restored.forward(input))
    }
}
