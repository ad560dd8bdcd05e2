import Foundation
import Loaders
import Testing
@testable import Training

/// Forward outputs, gradients and optimizer steps against PyTorch, from
/// Fixtures/training/parity.json (written by Fixtures/training/make_parity.py).
@Suite struct ParityTests {
    /// Agreement required: `|ours − PyTorch| ≤ 1e-5 · max(|PyTorch|, 1e-2)`, i.e. 1e-5 relative,
    /// with values below 0.01 in magnitude compared at 0.01's scale (1e-7 absolute).
    static func expectClose(_ ours: [Float], _ reference: [Float], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(ours.count == reference.count, "\(what): \(ours.count) values, expected \(reference.count)", sourceLocation: sourceLocation)
        var worst = 0.0, worstIndex = 0
        for (index, (a, b)) in zip(ours, reference).enumerated() {
            let error = Double(abs(a - b)) / max(Double(abs(b)), 1e-2)
            if error > worst { (worst, worstIndex) = (error, index) }
        }
        #expect(worst <= 1e-5, "\(what): relative error \(worst) at \(worstIndex): \(ours[worstIndex]) vs \(reference[worstIndex])",
                sourceLocation: sourceLocation)
    }

    struct Fixture: Decodable, Sendable {
        struct CNN: Decodable, Sendable {
            var input: [Float], labels: [Int32], parameters: [String: [Float]], logits: [Float], loss: Float
            var gradients: [String: [Float]], input_gradient: [Float]
        }
        struct Conv: Decodable, Sendable {
            var input: [Float], weight: [Float], bias: [Float], probe: [Float], output: [Float]
            var weight_gradient: [Float], bias_gradient: [Float], input_gradient: [Float]
        }
        var cnn: CNN
        var conv: Conv
        /// Per optimizer, the parameters after each of three steps.
        var steps: [String: [[String: [Float]]]]
    }

    static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/training/parity.json")
        // A missing or unreadable fixture is a broken checkout, not input under test.
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    static func cnn() -> Sequential {
        let model = Sequential([
            Conv2d(inputChannels: 1, outputChannels: 3, kernelSize: 3), ReLU(), Flatten(),
            Linear(inputFeatures: 48, outputFeatures: 4),
        ])
        for parameter in model.parameters {
            parameter.value.scalars = fixture.cnn.parameters[parameter.name]!
        }
        return model
    }

    static var batch: (Tensor<Float>, Tensor<Int32>) {
        (Tensor(shape: [4, 1, 6, 6], scalars: fixture.cnn.input), Tensor(shape: [4], scalars: fixture.cnn.labels))
    }

    @Test func forwardAndGradients() throws {
        let cnn = Self.fixture.cnn
        let model = Self.cnn()
        model.computesInputGradient = true
        let (input, labels) = Self.batch
        let logits = model.forward(input)
        Self.expectClose(logits.scalars, cnn.logits, "logits")
        let loss = CrossEntropyLoss()
        Self.expectClose([try loss.forward(logits, labels: labels)], [cnn.loss], "loss")
        let inputGradient = model.backward(loss.backward())
        for parameter in model.parameters {
            Self.expectClose(parameter.gradient.scalars, cnn.gradients[parameter.name]!, "\(parameter.name) gradient")
        }
        Self.expectClose(inputGradient.scalars, cnn.input_gradient, "input gradient")
    }

    @Test func paddedStridedConvolution() {
        let reference = Self.fixture.conv
        let conv = Conv2d(inputChannels: 2, outputChannels: 3, kernelSize: 3, stride: 2, padding: 1)
        conv.weight.value.scalars = reference.weight
        conv.bias.value.scalars = reference.bias
        let output = conv.forward(Tensor(shape: [2, 2, 7, 7], scalars: reference.input))
        #expect(output.shape == [2, 3, 4, 4])
        Self.expectClose(output.scalars, reference.output, "output")
        let inputGradient = conv.backward(Tensor(shape: output.shape, scalars: reference.probe))
        Self.expectClose(conv.weight.gradient.scalars, reference.weight_gradient, "weight gradient")
        Self.expectClose(conv.bias.gradient.scalars, reference.bias_gradient, "bias gradient")
        Self.expectClose(inputGradient.scalars, reference.input_gradient, "input gradient")
    }

    static let optimizers: [String: @Sendable ([Parameter]) -> any Optimizer] = [
        "sgd_momentum": { SGD($0, learningRate: 0.1, momentum: 0.9) },
        "sgd_nesterov_decay": { SGD($0, learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01) },
        "sgd_dampening_decay": { SGD($0, learningRate: 0.1, momentum: 0.8, dampening: 0.3, weightDecay: 0.05) },
        "adam": { Adam($0, learningRate: 0.01) },
        "adam_decay": { Adam($0, learningRate: 0.01, betas: (0.8, 0.99), epsilon: 1e-6, weightDecay: 0.1) },
        "adamw": { Adam.adamW($0, learningRate: 0.01, weightDecay: 0.1) },
    ]

    @Test(arguments: ["sgd_momentum", "sgd_nesterov_decay", "sgd_dampening_decay", "adam", "adam_decay", "adamw"])
    func threeSteps(of name: String) throws {
        let steps = Self.fixture.steps[name]!
        let model = Self.cnn()
        let optimizer = Self.optimizers[name]!(model.parameters)
        let (input, labels) = Self.batch
        let loss = CrossEntropyLoss()
        for (index, expected) in steps.enumerated() {
            optimizer.zeroGradients()
            _ = try loss.forward(model.forward(input), labels: labels)
            _ = model.backward(loss.backward())
            optimizer.step()
            for parameter in model.parameters {
                Self.expectClose(parameter.value.scalars, expected[parameter.name]!, "\(name) step \(index + 1) \(parameter.name)")
            }
        }
    }
}
