import Loaders
import Testing
@testable import Training

/// The fused paths inside `Sequential` agree with the layers run one by one.
@Suite struct FusionTests {
    static func layers(seed: UInt64) -> [any Layer] {
        [Conv2d(inputChannels: 2, outputChannels: 3, kernelSize: 3, seed: seed), ReLU(), Flatten(),
         Linear(inputFeatures: 3 * 5 * 4, outputFeatures: 4, seed: seed + 1)]
    }

    /// A batch of 19 spans several groups of `Conv2d.group` images and both threads.
    @Test func handOffMatchesSeparateLayers() {
        let input = GradientCheck.random([19, 2, 7, 6], seed: 30)
        let probe = GradientCheck.random([19, 4], seed: 31)
        let fused = Sequential(Self.layers(seed: 4))
        fused.computesInputGradient = true
        let fusedOutput = fused.forward(input)
        let fusedInputGradient = fused.backward(probe)

        let separate = Self.layers(seed: 4)
        var x = input
        for layer in separate { x = layer.forward(x) }
        var gradient = probe
        for layer in separate.reversed() { gradient = layer.backward(gradient) }

        #expect(fusedOutput == x)
        for (a, b) in zip(fusedInputGradient.scalars, gradient.scalars) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b))) }
        for (a, b) in zip(fused.parameters, separate.flatMap(\.parameters)) {
            for (u, v) in zip(a.gradient.scalars, b.gradient.scalars) { #expect(abs(u - v) <= 1e-5 * max(1, abs(v))) }
        }
    }

    /// Once shapes are settled, a training step reuses every buffer: no allocation per batch,
    /// even when a shorter last batch comes in between.
    @Test func trainingStepsReuseTheirBuffers() throws {
        let model = Sequential(Self.layers(seed: 5))
        let optimizer = Adam(model.parameters)
        let loss = CrossEntropyLoss()
        let input = GradientCheck.random([6, 2, 7, 6], seed: 32)
        let labels = Tensor<Int32>(shape: [6], scalars: [0, 1, 2, 3, 0, 1])
        func step(_ rows: Int) throws -> [UnsafeRawPointer?] {
            optimizer.zeroGradients()
            let logits = model.forward(Tensor(shape: [rows, 2, 7, 6], scalars: Array(input.scalars.prefix(rows * 84))))
            let logitsAddress = logits.scalars.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
            _ = try loss.forward(logits, labels: Tensor(shape: [rows], scalars: Array(labels.scalars.prefix(rows))))
            let gradient = loss.backward()
            let gradientAddress = gradient.scalars.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
            _ = model.backward(gradient)
            optimizer.step()
            let parameterAddresses = model.parameters.map { p in p.value.scalars.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) } }
            return [logitsAddress, gradientAddress] + parameterAddresses
        }
        _ = try step(6)
        let settled = try step(6)
        #expect(try step(3) == settled)
        for _ in 0..<2 { #expect(try step(6) == settled) }
    }
}
