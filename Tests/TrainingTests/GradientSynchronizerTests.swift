import Loaders
import Testing
@testable import Training

/// Records what `Trainer` hands over, then replaces every gradient with `replacement`, as an
/// exchange with other processes would.
private final class RecordingSynchronizer: GradientSynchronizer {
    var received: [[Float]] = []
    var samples: [Int] = []
    let replacement: Float
    init(replacement: Float) { self.replacement = replacement }

    func synchronize(_ parameters: [Parameter], samples: Int) throws {
        received.append(parameters.flatMap(\.gradient.scalars))
        self.samples.append(samples)
        for parameter in parameters {
            parameter.gradient = Tensor(shape: parameter.shape, repeating: replacement)
        }
    }
}

@Suite struct GradientSynchronizerTests {
    private static func batch(_ rows: [[Float]], targets: [Float]) -> Batch {
        Batch(features: Tensor(shape: [rows.count, 2], scalars: rows.flatMap { $0 }),
              targets: .values(Tensor(shape: [targets.count, 1], scalars: targets)))
    }

    /// The synchronizer sees the batch's own gradient (checked against the mean squared error's
    /// gradient worked out in Double) and its size, and the optimizer steps with what it leaves.
    @Test func runsBetweenBackwardAndTheStep() throws {
        let model = Linear(inputFeatures: 2, outputFeatures: 1, seed: 3)
        let (w, b) = (model.parameters[0].value.scalars.map(Double.init), Double(model.parameters[1].value.scalars[0]))
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters, learningRate: 0.5), loss: MSELoss())
        let synchronizer = RecordingSynchronizer(replacement: 0.25)
        trainer.gradientSynchronizer = synchronizer
        let rows: [[Float]] = [[1, 2], [-3, 0.5], [0.25, -1]], targets: [Float] = [1, -2, 0.5]
        let before = model.parameters.flatMap(\.value.scalars)

        try trainer.trainStep(Self.batch(rows, targets: targets))

        // d/dθ of mean((w·x + b - t)²) = (2/B) Σ (w·x + b - t) · (x, 1)
        var expected = [0.0, 0.0, 0.0]
        for (x, t) in zip(rows, targets) {
            let residual = w[0] * Double(x[0]) + w[1] * Double(x[1]) + b - Double(t)
            expected[0] += 2 * residual * Double(x[0]) / 3
            expected[1] += 2 * residual * Double(x[1]) / 3
            expected[2] += 2 * residual / 3
        }
        #expect(synchronizer.samples == [3])
        #expect(zip(synchronizer.received[0], expected).allSatisfy { abs(Double($0) - $1) <= 1e-5 * max(1, abs($1)) })
        #expect(model.parameters.flatMap(\.value.scalars) == before.map { $0 - 0.5 * 0.25 })
    }

    /// An empty batch (a rank's share of a last batch smaller than the world) runs no forward
    /// pass, joins the exchange with zero gradients and zero samples, and takes the common step.
    @Test func anEmptyBatchStillJoinsTheExchange() throws {
        let model = Linear(inputFeatures: 2, outputFeatures: 1, seed: 3)
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters, learningRate: 0.5), loss: MSELoss())
        let synchronizer = RecordingSynchronizer(replacement: -1)
        trainer.gradientSynchronizer = synchronizer
        let before = model.parameters.flatMap(\.value.scalars)

        #expect(try trainer.trainStep(Self.batch([], targets: [])) == 0)
        #expect(synchronizer.samples == [0] && synchronizer.received[0] == [0, 0, 0])
        #expect(model.parameters.flatMap(\.value.scalars) == before.map { $0 + 0.5 })
    }

    /// Alone, an empty batch changes nothing, not even through weight decay.
    @Test func anEmptyBatchAloneChangesNothing() throws {
        let model = Linear(inputFeatures: 2, outputFeatures: 1, seed: 3)
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters, learningRate: 0.5, weightDecay: 0.1), loss: MSELoss())
        let before = model.parameters.flatMap(\.value.scalars)
        #expect(try trainer.trainStep(Self.batch([], targets: [])) == 0)
        #expect(model.parameters.flatMap(\.value.scalars) == before)
    }
}
