import Foundation
import Loaders
import Testing
@testable import Training

/// The normalisation, pooling and activation layers, RMSprop, Adadelta and the learning-rate
/// schedules against PyTorch, from Fixtures/training/parity_layers.json (written by
/// Fixtures/training/make_parity_layers.py), to the tolerance of `ParityTests.expectClose`.
@Suite struct LayerParityTests {
    struct Fixture: Decodable, Sendable {
        struct CNN: Decodable, Sendable {
            var input: [Float], labels: [Int32], parameters: [String: [Float]]
        }
        /// Per layer case: shapes, input, output, probe, gradients and, for batch normalisation,
        /// parameters and running statistics.
        var layers: [String: [String: [Float]]]
        var cnn: CNN
        /// Per optimizer, the parameters after each of three steps.
        var steps: [String: [[String: [Float]]]]
        /// Per schedule, the learning rate and momentum before each step.
        var schedules: [String: [String: [Double]]]
    }

    static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/training/parity_layers.json")
        // A missing or unreadable fixture is a broken checkout, not input under test.
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    static func shape(_ values: [Float]?) -> [Int] { values!.map { Int($0) } }

    /// Runs `layer` forward on the case's input and backward on its probe, and compares the
    /// output, the input gradient and any parameter gradients with PyTorch's.
    static func expectParity(_ layer: any Layer, _ name: String) {
        let reference = fixture.layers[name]!
        layer.isTraining = true
        layer.computesInputGradient = true
        for parameter in layer.parameters { parameter.value.scalars = reference[parameter.name]! }
        let output = layer.forward(Tensor(shape: shape(reference["shape"]), scalars: reference["input"]!))
        #expect(output.shape == shape(reference["output_shape"]), "\(name) output shape")
        ParityTests.expectClose(output.scalars, reference["output"]!, "\(name) output")
        layer.zeroGradients()
        let inputGradient = layer.backward(Tensor(shape: output.shape, scalars: reference["probe"]!))
        ParityTests.expectClose(inputGradient.scalars, reference["input_gradient"]!, "\(name) input gradient")
        for parameter in layer.parameters {
            ParityTests.expectClose(parameter.gradient.scalars, reference["\(parameter.name)_gradient"]!, "\(name) \(parameter.name) gradient")
        }
    }

    @Test(arguments: ["batchnorm2d", "batchnorm1d", "batchnorm1d_length"])
    func batchNorm(_ name: String) {
        let reference = Self.fixture.layers[name]!
        let features = Self.shape(reference["shape"])[1]
        let layer: any Layer = name == "batchnorm2d" ? BatchNorm2d(features: features) : BatchNorm1d(features: features)
        Self.expectParity(layer, name)
        let buffers = layer.buffers
        #expect(buffers.map(\.name) == ["running_mean", "running_var"])
        ParityTests.expectClose(buffers[0].value.scalars, reference["running_mean_1"]!, "\(name) running mean after one batch")
        ParityTests.expectClose(buffers[1].value.scalars, reference["running_var_1"]!, "\(name) running variance after one batch")
        let shape = Self.shape(reference["shape"])
        _ = layer.forward(Tensor(shape: shape, scalars: reference["second_input"]!))
        ParityTests.expectClose(buffers[0].value.scalars, reference["running_mean_2"]!, "\(name) running mean after two batches")
        ParityTests.expectClose(buffers[1].value.scalars, reference["running_var_2"]!, "\(name) running variance after two batches")
        layer.isTraining = false
        let evaluation = layer.forward(Tensor(shape: shape, scalars: reference["input"]!))
        ParityTests.expectClose(evaluation.scalars, reference["evaluation_output"]!, "\(name) evaluation output")
        ParityTests.expectClose(buffers[1].value.scalars, reference["running_var_2"]!, "\(name) running variance unchanged in evaluation")
    }

    @Test func avgPool() {
        Self.expectParity(AvgPool2d(kernelSize: 2), "avgpool_2")
        Self.expectParity(AvgPool2d(kernelSize: 3, stride: 2, padding: 1), "avgpool_3_2_1")
    }

    @Test func adaptiveAvgPool() {
        Self.expectParity(AdaptiveAvgPool2d(outputHeight: 3, outputWidth: 4), "adaptive_3x4")
        Self.expectParity(AdaptiveAvgPool2d(outputHeight: 5, outputWidth: 7), "adaptive_5x7")
        Self.expectParity(AdaptiveAvgPool2d(outputSize: 1), "adaptive_1")
    }

    @Test func activations() {
        Self.expectParity(LeakyReLU(), "leakyrelu")
        Self.expectParity(LeakyReLU(negativeSlope: 0.2), "leakyrelu_0.2")
        Self.expectParity(Sigmoid(), "sigmoid")
        Self.expectParity(Tanh(), "tanh")
    }

    static let optimizers: [String: @Sendable ([Parameter]) -> any Optimizer] = [
        "rmsprop": { RMSprop($0) },
        "rmsprop_momentum_centered": { RMSprop($0, learningRate: 0.005, alpha: 0.9, epsilon: 1e-6, momentum: 0.8, centered: true) },
        "rmsprop_decay": { RMSprop($0, learningRate: 0.02, weightDecay: 0.01, momentum: 0.5) },
        "adadelta": { Adadelta($0) },
        "adadelta_decay": { Adadelta($0, learningRate: 0.5, rho: 0.8, epsilon: 1e-5, weightDecay: 0.1) },
        "sgd_onecycle": { SGD($0, learningRate: 0.1) },
        "adam_onecycle": { Adam($0, learningRate: 0.01) },
    ]

    /// Schedules stepped after each update, which also cycle the momentum.
    static let stepSchedules: [String: any LearningRateSchedule] = [
        "sgd_onecycle": OneCycleLR(maxLR: 0.5, totalSteps: 3),
        "adam_onecycle": OneCycleLR(maxLR: 0.05, totalSteps: 4),
    ]

    @Test(arguments: ["rmsprop", "rmsprop_momentum_centered", "rmsprop_decay", "adadelta", "adadelta_decay", "sgd_onecycle", "adam_onecycle"])
    func threeSteps(of name: String) throws {
        let cnn = Self.fixture.cnn
        let model = Sequential([
            Conv2d(inputChannels: 1, outputChannels: 3, kernelSize: 3), ReLU(), Flatten(),
            Linear(inputFeatures: 48, outputFeatures: 4),
        ])
        for parameter in model.parameters { parameter.value.scalars = cnn.parameters[parameter.name]! }
        let optimizer = Self.optimizers[name]!(model.parameters)
        let scheduler = Self.stepSchedules[name].map { LearningRateScheduler($0, optimizer: optimizer, interval: .batch) }
        let (input, labels) = (Tensor(shape: [4, 1, 6, 6], scalars: cnn.input), Tensor(shape: [4], scalars: cnn.labels))
        let loss = CrossEntropyLoss()
        for (index, expected) in Self.fixture.steps[name]!.enumerated() {
            optimizer.zeroGradients()
            _ = try loss.forward(model.forward(input), labels: labels)
            _ = model.backward(loss.backward())
            optimizer.step()
            scheduler?.step()
            for parameter in model.parameters {
                ParityTests.expectClose(parameter.value.scalars, expected[parameter.name]!, "\(name) step \(index + 1) \(parameter.name)")
            }
        }
    }

    static let schedules: [String: any LearningRateSchedule] = [
        "step_3_0.5": StepLR(stepSize: 3, gamma: 0.5),
        "cosine_5_0.001": CosineAnnealingLR(tMax: 5, etaMin: 0.001),
        "cosine_4": CosineAnnealingLR(tMax: 4),
        "onecycle_0.5_20": OneCycleLR(maxLR: 0.5, totalSteps: 20),
        "onecycle_2_7": OneCycleLR(maxLR: 2, totalSteps: 7, pctStart: 0.5, divFactor: 10, finalDivFactor: 100, cycleMomentum: false),
        "onecycle_momenta": OneCycleLR(maxLR: 0.3, totalSteps: 9, pctStart: 0.4, baseMomentum: 0.7, maxMomentum: 0.9),
        "onecycle_adam": OneCycleLR(maxLR: 0.3, totalSteps: 6),
    ]

    /// The rate and momentum set on the optimizer before each step, as PyTorch's scheduler sets
    /// them on an optimizer created with learning rate 0.1: SGD with momentum 0.9, or Adam.
    @Test(arguments: ["step_3_0.5", "cosine_5_0.001", "cosine_4", "onecycle_0.5_20", "onecycle_2_7", "onecycle_momenta", "onecycle_adam"])
    func schedule(_ name: String) {
        let parameters = [Parameter(name: "p", value: Tensor(shape: [1], repeating: 0))]
        let optimizer: any MomentumOptimizer = name.hasSuffix("adam")
            ? Adam(parameters, learningRate: 0.1) : SGD(parameters, learningRate: 0.1, momentum: 0.9)
        let scheduler = LearningRateScheduler(Self.schedules[name]!, optimizer: optimizer, interval: .batch)
        let reference = Self.fixture.schedules[name]!
        var (rates, momenta): ([Float], [Float]) = ([], [])
        for _ in reference["rates"]! {
            rates.append(optimizer.learningRate)
            momenta.append(optimizer.momentumFactor)
            optimizer.step()
            scheduler.step()
        }
        ParityTests.expectClose(rates, reference["rates"]!.map { Float($0) }, "\(name) rates")
        ParityTests.expectClose(momenta, reference["momenta"]!.map { Float($0) }, "\(name) momenta")
    }
}
