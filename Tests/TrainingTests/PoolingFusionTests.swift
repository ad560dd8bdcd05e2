import Loaders
import Testing
@testable import Training

/// A `Conv2d` that absorbs its `ReLU` and `MaxPool2d` agrees with the layers run one by one.
@Suite struct PoolingFusionTests {
    /// The networks as layers, with their input shape: with and without a rectifier, a pooling
    /// window that leaves a border unread, and a pooled convolution handing off to a linear layer.
    static func network(_ which: Int, seed: UInt64) -> (layers: [any Layer], inputShape: [Int]) {
        switch which {
        case 0:
            ([Conv2d(inputChannels: 2, outputChannels: 3, kernelSize: 3, padding: 1, seed: seed), ReLU(), MaxPool2d(kernelSize: 2),
              Flatten(), Linear(inputFeatures: 3 * 3 * 4, outputFeatures: 4, seed: seed + 1)], [19, 2, 7, 9])
        default:
            ([Conv2d(inputChannels: 1, outputChannels: 4, kernelSize: 2, seed: seed), MaxPool2d(kernelSize: 3, stride: 2), ReLU(),
              Conv2d(inputChannels: 4, outputChannels: 2, kernelSize: 2, seed: seed + 1), ReLU(), MaxPool2d(kernelSize: 2)],
             [11, 1, 12, 11])
        }
    }

    @Test(arguments: 0..<2) func fusedMatchesSeparateLayers(_ which: Int) {
        let network = Self.network(which, seed: 7)
        let input = GradientCheck.random(network.inputShape, seed: 50)
        let fused = Sequential(network.layers)
        fused.computesInputGradient = true
        let fusedOutput = fused.forward(input)
        let probe = GradientCheck.random(fusedOutput.shape, seed: 51)
        let fusedInputGradient = fused.backward(probe)

        let separate = Self.network(which, seed: 7).layers
        var x = input
        for layer in separate { x = layer.forward(x) }
        var gradient = probe
        for layer in separate.reversed() { gradient = layer.backward(gradient) }

        #expect(fusedOutput.shape == x.shape)
        #expect(fusedOutput.scalars == x.scalars)
        #expect(fusedInputGradient.shape == gradient.shape)
        for (a, b) in zip(fusedInputGradient.scalars, gradient.scalars) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b))) }
        for (a, b) in zip(fused.parameters, separate.flatMap(\.parameters)) {
            for (u, v) in zip(a.gradient.scalars, b.gradient.scalars) { #expect(abs(u - v) <= 1e-5 * max(1, abs(v))) }
        }
    }

    @Test func aConvolutionAbsorbsItsReLUThenItsPoolingOnly() {
        let conv = Conv2d(inputChannels: 1, outputChannels: 1, kernelSize: 1)
        #expect(conv.absorb(ReLU()))
        #expect(!conv.absorb(ReLU()))
        #expect(conv.absorb(MaxPool2d(kernelSize: 2)))
        #expect(!conv.absorb(ReLU()) && !conv.absorb(MaxPool2d(kernelSize: 2)) && !conv.absorb(Flatten()))
    }
}
