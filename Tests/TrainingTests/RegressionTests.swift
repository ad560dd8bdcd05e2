import Foundation
import Loaders
import Testing
@testable import Training

/// Real-valued targets end to end: the regression losses against PyTorch and the evaluation's
/// metrics against numpy (Fixtures/training/regression.json, written by make_regression.py),
/// collation of values, and the typed errors for targets that do not fit.
@Suite struct RegressionTests {
    struct Fixture: Decodable, Sendable {
        struct Case: Decodable, Sendable { var value: Float, gradient: [Float] }
        struct Metrics: Decodable, Sendable {
            var outputs: [Float], targets: [Float], shape: [Int], batch: Int
            var rmse: Double, mae: Double, r2: Double, mse: Double
        }
        var prediction: [Float], target: [Float], shape: [Int]
        var losses: [String: Case]
        var metrics: Metrics
    }

    static let fixture: Fixture = {
        // A missing or unreadable fixture is a broken checkout, not input under test.
        try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("training/regression.json"))))
    }()

    @Test(arguments: ["mse", "l1", "huber1", "huber05"])
    func lossesMatchPyTorch(name: String) throws {
        let loss: any Loss = switch name {
        case "mse": MSELoss()
        case "l1": L1Loss()
        case "huber1": HuberLoss(delta: 1)
        default: HuberLoss(delta: 0.5)
        }
        let f = Self.fixture, expected = f.losses[name]!
        let value = try loss.forward(Tensor(shape: f.shape, scalars: f.prediction), target: Tensor(shape: f.shape, scalars: f.target))
        #expect(abs(value - expected.value) <= 1e-6 * max(1, abs(expected.value)))
        let gradient = loss.backward()
        #expect(gradient.shape == f.shape)
        for (ours, theirs) in zip(gradient.scalars, expected.gradient) {
            #expect(abs(ours - theirs) <= 1e-7 + 1e-6 * abs(theirs), "\(name): \(ours) vs \(theirs)")
        }
    }

    /// PyTorch broadcasts a [B] target against a [B, 1] output into [B, B] and trains on the wrong
    /// loss with a warning; here it is an error, as are labels given to a regression loss and values
    /// to cross-entropy.
    @Test func targetsThatDoNotFitAreErrors() throws {
        let output = Tensor<Float>(shape: [4, 1], repeating: 0)
        let error = #expect(throws: LoaderError.self) { try MSELoss().forward(output, target: Tensor(shape: [4], repeating: 1)) }
        #expect(error?.code == .mismatch)
        #expect(error?.message.contains("[4]") == true && error?.message.contains("[4, 1]") == true)
        #expect(throws: LoaderError.self) { try L1Loss().forward(output, labels: Tensor(shape: [4], repeating: 0)) }
        let logits = Tensor<Float>(shape: [4, 3], repeating: 0)
        let crossEntropy = #expect(throws: LoaderError.self) { try CrossEntropyLoss().forward(logits, target: Tensor(shape: [4, 3], repeating: 0)) }
        #expect(crossEntropy?.message.contains("class labels") == true)
    }

    /// Four batches of outputs against targets near 1000: RMSE, MAE and R² as numpy computes them in
    /// Double, and the loss as the batch-size-weighted mean of the batches' MSE.
    @Test func evaluationMetricsMatchNumpy() async throws {
        let m = Self.fixture.metrics
        let width = m.shape[1]
        var batches: [Batch] = []
        var outputs: [Tensor<Float>] = []
        for start in stride(from: 0, to: m.shape[0], by: m.batch) {
            let rows = (start * width)..<((start + m.batch) * width)
            // Features are the outputs themselves, through an identity model.
            batches.append(Batch(features: Tensor(shape: [m.batch, width], scalars: Array(m.outputs[rows])),
                                 targets: .values(Tensor(shape: [m.batch, width], scalars: Array(m.targets[rows])))))
            outputs.append(batches.last!.features)
        }
        let identity = Sequential([])
        let trainer = Trainer(model: identity, optimizer: SGD([], learningRate: 0), loss: MSELoss())
        let evaluation = try await trainer.evaluate(on: AsyncStream { continuation in
            for batch in batches { continuation.yield(batch) }
            continuation.finish()
        })
        let metrics = try #require(evaluation.regression)
        #expect(evaluation.samples == m.shape[0])
        #expect(evaluation.accuracy == nil)
        #expect(abs(metrics.rootMeanSquaredError - m.rmse) < 1e-9)
        #expect(abs(metrics.meanAbsoluteError - m.mae) < 1e-9)
        #expect(abs(metrics.rSquared! - m.r2) < 1e-9)
        #expect(abs(evaluation.loss - m.mse) < 1e-4 * m.mse)   // each batch's loss is a Float
    }

    /// A constant target has no variance to explain: R² is undefined, not a division by zero.
    @Test func rSquaredOfAConstantTargetIsNil() async throws {
        let batch = Batch(features: Tensor(shape: [3, 1], scalars: [1, 2, 3]), targets: .values(Tensor(shape: [3, 1], repeating: 2)))
        let trainer = Trainer(model: Sequential([]), optimizer: SGD([], learningRate: 0), loss: L1Loss())
        let evaluation = try await trainer.evaluate(on: AsyncStream { $0.yield(batch); $0.finish() })
        #expect(evaluation.regression?.rSquared == nil)
        #expect(evaluation.regression?.meanAbsoluteError == 2.0 / 3)
        #expect(evaluation.loss == Double(Float(2.0 / 3)))
    }

    /// Confusion matrix rows are true labels, columns predictions; counted here by hand.
    @Test func classificationEvaluationCountsTheConfusionMatrix() async throws {
        // Predictions (the highest logit): 0, 2, 2, 1, 0; labels: 0, 2, 1, 1, 2.
        let logits: [Float] = [5, 1, 0,  0, 1, 3,  0, 0, 1,  0, 2, 1,  4, 0, 0]
        let batch = Batch(features: Tensor(shape: [5, 3], scalars: logits), labels: Tensor(shape: [5], scalars: [0, 2, 1, 1, 2]))
        let trainer = Trainer(model: Sequential([]), optimizer: SGD([], learningRate: 0))
        let evaluation = try await trainer.evaluate(on: AsyncStream { $0.yield(batch); $0.finish() })
        guard case .classification(let metrics) = evaluation.metrics else { Issue.record("not classification"); return }
        #expect(metrics.confusion == [[1, 0, 0], [0, 1, 1], [1, 0, 1]])
        #expect(metrics.correct == 3 && metrics.total == 5)
        #expect(evaluation.accuracy == 0.6)
    }

    /// Values stack to [B, k]; a label among values, or a target of another shape, names the sample.
    @Test func valuesCollateAndMismatchesNameTheSample() throws {
        let examples = (0..<3).map { Example(features: Tensor(shape: [2], scalars: [Float($0), 1]), target: .values(Tensor(shape: [2], scalars: [Float($0) * 10, -1]))) }
        let batch = try Example.collate(examples, indices: [4, 5, 6])
        #expect(batch.values == Tensor(shape: [3, 2], scalars: [0, -1, 10, -1, 20, -1]))
        #expect(batch.labels == nil && batch.count == 3)
        #expect(try Example.collate([Example(features: Tensor(shape: [1], scalars: [0]), target: .value(2.5))], indices: [0]).values?.shape == [1, 1])

        let mixed = #expect(throws: LoaderError.self) {
            try Example.collate(examples + [Example(features: Tensor(shape: [2], scalars: [0, 0]), label: 1)], indices: [4, 5, 6, 9])
        }
        #expect(mixed?.location == .sampleIndex(9) && mixed?.message.contains("class label") == true)
        let reshaped = #expect(throws: LoaderError.self) {
            try Example.collate([examples[0], Example(features: Tensor(shape: [2], scalars: [0, 0]), target: .value(1))], indices: [4, 7])
        }
        #expect(reshaped?.location == .sampleIndex(7))
        #expect(reshaped?.message == "target of shape [1], where sample 4 in the same batch has [2]")
    }

    /// Wine's per-column mean and population standard deviation, as numpy computes them
    /// (`x.mean(0)`, `x.std(0)` in float64, printed to 7 significant digits): the first three columns.
    @Test func featureStatisticsMatchNumpy() throws {
        let wine = try CSVDataset(Fixtures.path("wine.csv"), labelColumn: "target")
        let statistics = try wine.featureStatistics()
        #expect(statistics.mean.count == 13 && statistics.std.count == 13)
        let (mean, std): ([Float], [Float]) = ([13.00062, 2.336348, 2.366517], [0.8095429, 1.114004, 0.2735723])
        for column in 0..<3 {
            #expect(abs(statistics.mean[column] - mean[column]) < 1e-5 * mean[column])
            #expect(abs(statistics.std[column] - std[column]) < 1e-5 * std[column])
        }
        let standardised = try wine.normalized(by: statistics).featureStatistics()
        #expect(standardised.mean.allSatisfy { abs($0) < 1e-5 } && standardised.std.allSatisfy { abs($0 - 1) < 1e-5 })
    }
}
