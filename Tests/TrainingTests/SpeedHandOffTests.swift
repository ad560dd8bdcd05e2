import Loaders
import Testing
@testable import Training

/// A `Sequential` hands a `GradientProducer`'s input gradient to the `GradientConsumer` before it,
/// across reshapes only, and the result agrees with the layers run one by one.
@Suite struct SpeedHandOffTests {
    /// Networks with a hand-off: plain, with fused rectifier and pooling, across two reshapes,
    /// and into a producer that fuses its own rectifier.
    static func handingOff(_ which: Int, seed: UInt64) -> (layers: [any Layer], inputShape: [Int]) {
        let conv = Conv2d(inputChannels: 2, outputChannels: 3, kernelSize: 3, padding: 1, seed: seed)
        switch which {
        case 0:
            return ([conv, Flatten(), Linear(inputFeatures: 3 * 5 * 6, outputFeatures: 4, seed: seed + 1)], [11, 2, 5, 6])
        case 1:
            return ([conv, ReLU(), MaxPool2d(kernelSize: 2), Flatten(), Linear(inputFeatures: 3 * 2 * 3, outputFeatures: 4, seed: seed + 1)],
                    [11, 2, 5, 6])
        case 2:
            return ([conv, Flatten(), Flatten(), Linear(inputFeatures: 3 * 5 * 6, outputFeatures: 4, seed: seed + 1)], [11, 2, 5, 6])
        default:
            return ([conv, ReLU(), Flatten(), Linear(inputFeatures: 3 * 5 * 6, outputFeatures: 4, seed: seed + 1), ReLU(),
                     Linear(inputFeatures: 4, outputFeatures: 2, seed: seed + 2)], [11, 2, 5, 6])
        }
    }

    @Test(arguments: 0..<4) func handOffMatchesSeparateLayers(_ which: Int) {
        let network = Self.handingOff(which, seed: 21)
        let input = GradientCheck.random(network.inputShape, seed: 80)
        let model = Sequential(network.layers)
        model.computesInputGradient = true
        // The producer skips the input gradient it would otherwise store: the sign of the hand-off.
        let producer = network.layers.first { $0 is Linear }!
        #expect(!producer.computesInputGradient)
        let output = model.forward(input)
        let probe = GradientCheck.random(output.shape, seed: 81)
        let inputGradient = model.backward(probe)

        let separate = Self.handingOff(which, seed: 21).layers
        var x = input
        for layer in separate { x = layer.forward(x) }
        var gradient = probe
        for layer in separate.reversed() { gradient = layer.backward(gradient) }

        #expect(output.scalars == x.scalars)
        #expect(inputGradient.shape == gradient.shape)
        for (a, b) in zip(inputGradient.scalars, gradient.scalars) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b))) }
        for (a, b) in zip(model.parameters, separate.flatMap(\.parameters)) {
            #expect(a.gradient.count == b.gradient.count)
            for (u, v) in zip(a.gradient.scalars, b.gradient.scalars) { #expect(abs(u - v) <= 1e-5 * max(1, abs(v))) }
        }
    }

    /// A layer that changes values (dropout, an unfused rectifier after pooling's absorption) or
    /// no consumer before the producer leaves the producer computing its own input gradient.
    @Test func noHandOffAcrossALayerThatChangesValues() {
        let afterDropout = Linear(inputFeatures: 3 * 5 * 6, outputFeatures: 4, seed: 1)
        _ = Sequential([Conv2d(inputChannels: 2, outputChannels: 3, kernelSize: 3, padding: 1, seed: 0), Flatten(),
                        Dropout(probability: 0.5, seed: 2), afterDropout])
        #expect(afterDropout.computesInputGradient)

        let afterLinear = Linear(inputFeatures: 4, outputFeatures: 2, seed: 3)
        _ = Sequential([Flatten(), Linear(inputFeatures: 6, outputFeatures: 4, seed: 4), Flatten(), afterLinear])
        #expect(afterLinear.computesInputGradient)
    }
}
