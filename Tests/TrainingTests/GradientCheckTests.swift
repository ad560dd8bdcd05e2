import Loaders
import Testing
@testable import Training

/// Every layer's and loss's backward pass against central finite differences.
@Suite struct GradientCheckTests {
    let check = GradientCheck()

    @Test(arguments: [(1, 3, 3, 1, 0), (2, 3, 3, 2, 1), (3, 2, 2, 1, 1), (2, 4, 1, 1, 0)])
    func conv2d(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int, padding: Int) {
        let conv = Conv2d(inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize,
                          stride: stride, padding: padding, seed: 5)
        let input = GradientCheck.random([2, inputChannels, 6, 5], seed: 6)
        #expect(check.worstError(of: conv, input: input) < check.tolerance)
    }

    @Test func linear() {
        let layer = Linear(inputFeatures: 7, outputFeatures: 4, seed: 7)
        #expect(check.worstError(of: layer, input: GradientCheck.random([3, 7], seed: 8)) < check.tolerance)
    }

    /// Inputs kept at least 0.1 from the kink at zero, so the step never crosses it.
    static func awayFromZero(_ shape: [Int], seed: UInt64) -> Tensor<Float> {
        var tensor = GradientCheck.random(shape, seed: seed, range: 0.1...1)
        var generator = SeededGenerator(seed: seed + 1)
        for i in 0..<tensor.count where Bool.random(using: &generator) { tensor.scalars[i] = -tensor.scalars[i] }
        return tensor
    }

    @Test func relu() {
        #expect(check.worstError(of: ReLU(), input: Self.awayFromZero([2, 3, 4], seed: 9)) < check.tolerance)
    }

    @Test func flatten() {
        #expect(check.worstError(of: Flatten(), input: GradientCheck.random([2, 3, 2, 2], seed: 10)) < check.tolerance)
    }

    @Test func maxPool() {
        // Distinct values spaced 0.05 apart: a ±0.01 step never changes a window's maximum.
        var generator = SeededGenerator(seed: 11)
        let values = (0..<72).map { Float($0) * 0.05 }.shuffled(using: &generator)
        let input = Tensor(shape: [2, 1, 6, 6], scalars: values)
        #expect(check.worstError(of: MaxPool2d(kernelSize: 2), input: input) < check.tolerance)
        #expect(check.worstError(of: MaxPool2d(kernelSize: 3, stride: 1), input: input) < check.tolerance)
    }

    @Test func dropout() {
        // The mask is redrawn every forward pass, so each evaluation uses a fresh layer with the
        // same seed, hence the same mask.
        let input = GradientCheck.random([4, 5], seed: 12)
        let probe = GradientCheck.random([4, 5], seed: 13)
        let layer = Dropout(probability: 0.4, seed: 3)
        let output = layer.forward(input)
        let gradient = layer.backward(probe)
        #expect(output.scalars.contains(0) && output.scalars.contains { $0 != 0 })
        for index in 0..<input.count {
            func f(_ delta: Float) -> Double {
                var shifted = input
                shifted.scalars[index] += delta
                return GradientCheck.objective(Dropout(probability: 0.4, seed: 3).forward(shifted), probe)
            }
            let numeric = (f(1e-2) - f(-1e-2)) / 2e-2
            #expect(abs(Double(gradient.scalars[index]) - numeric) < 1e-3 * max(1, abs(numeric)))
        }
        layer.isTraining = false
        #expect(layer.forward(input) == input)
    }

    @Test func sequentialWithFusedReLU() {
        let model = Sequential([
            Conv2d(inputChannels: 1, outputChannels: 2, kernelSize: 3, seed: 14), ReLU(), MaxPool2d(kernelSize: 2),
            Flatten(), Linear(inputFeatures: 8, outputFeatures: 5, seed: 15), ReLU(),
            Linear(inputFeatures: 5, outputFeatures: 3, seed: 16),
        ])
        // Finite differences are not smooth across ReLU kinks: this input (seed 18) and step keep
        // every pre-activation farther than the step from zero (seed 17 has one within 1e-3).
        let loose = GradientCheck(step: 1e-3, tolerance: 1e-2, floor: 1e-2)
        #expect(loose.worstError(of: model, input: GradientCheck.random([2, 1, 6, 6], seed: 18)) < loose.tolerance)
    }

    @Test func crossEntropy() throws {
        let logits = GradientCheck.random([4, 5], seed: 18, range: -3...3)
        let labels = Tensor<Int32>(shape: [4], scalars: [0, 4, 2, 2])
        let loss = CrossEntropyLoss()
        _ = try loss.forward(logits, labels: labels)
        let gradient = loss.backward()
        for index in 0..<logits.count {
            func f(_ delta: Float) throws -> Double {
                var shifted = logits
                shifted.scalars[index] += delta
                return Double(try CrossEntropyLoss().forward(shifted, labels: labels))
            }
            let numeric = try (f(1e-2) - f(-1e-2)) / 2e-2
            #expect(abs(Double(gradient.scalars[index]) - numeric) < 1e-3 * max(abs(numeric), 1e-2) + 1e-5)
        }
    }

    @Test func crossEntropyIsStableForLargeLogits() throws {
        let logits = Tensor<Float>(shape: [1, 3], scalars: [1000, 0, -1000])
        let value = try CrossEntropyLoss().forward(logits, labels: Tensor(shape: [1], scalars: [1]))
        #expect(abs(value - 1000) < 1e-3)
    }

    /// Large logits in a batch of two, against the closed form: row 1 has softmax [1, 0, 0] and
    /// loss 1000 (label 1); row 2 has softmax [0, ½, ½] and loss 10⁴ + ln 2 (label 0). The loss is
    /// their mean and the gradient (softmax − one-hot) / 2, with nothing overflowing to NaN.
    @Test func crossEntropyGradientIsExactForLargeLogits() throws {
        let loss = CrossEntropyLoss()
        let logits = Tensor<Float>(shape: [2, 3], scalars: [1000, 0, -1000, 0, 10_000, 10_000])
        let value = try loss.forward(logits, labels: Tensor(shape: [2], scalars: [1, 0]))
        let closedForm = (1000 + 10_000 + 0.693_147_180_559_945_3) / 2   // ln 2 = 0.6931…
        #expect(abs(Double(value) - closedForm) < 1e-2)
        let expected: [Float] = [0.5, -0.5, 0, -0.5, 0.25, 0.25]
        #expect(zip(loss.backward().scalars, expected).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func meanSquaredError() throws {
        let prediction = GradientCheck.random([3, 2], seed: 19)
        let target = GradientCheck.random([3, 2], seed: 20)
        let loss = MSELoss()
        let value = try loss.forward(prediction, target: target)
        let expected = zip(prediction.scalars, target.scalars).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) } / 6
        #expect(abs(Double(value) - expected) < 1e-6)
        let gradient = loss.backward()
        for index in 0..<prediction.count {
            func f(_ delta: Float) throws -> Double {
                var shifted = prediction
                shifted.scalars[index] += delta
                return Double(try MSELoss().forward(shifted, target: target))
            }
            let numeric = try (f(1e-2) - f(-1e-2)) / 2e-2
            #expect(abs(Double(gradient.scalars[index]) - numeric) < 1e-4)
        }
    }
}
