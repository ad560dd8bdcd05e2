import Loaders

/// How a model does on a set of batches: its mean loss, and accuracy with a confusion matrix for
/// class labels, or RMSE, MAE and R² for real-valued targets.
public struct Evaluation: Sendable, Equatable, Codable {
    /// The number of samples evaluated.
    public var samples: Int
    /// The mean loss over the samples (each batch weighted by its size).
    public var loss: Double
    public var metrics: Metrics

    public enum Metrics: Sendable, Equatable, Codable {
        case classification(ClassificationMetrics)
        case regression(RegressionMetrics)
    }

    public init(samples: Int, loss: Double, metrics: Metrics) {
        self.samples = samples
        self.loss = loss
        self.metrics = metrics
    }

    /// The fraction classified correctly; nil for regression.
    public var accuracy: Double? {
        if case .classification(let metrics) = metrics { metrics.accuracy } else { nil }
    }

    /// The regression metrics; nil for classification.
    public var regression: RegressionMetrics? {
        if case .regression(let metrics) = metrics { metrics } else { nil }
    }
}

public struct ClassificationMetrics: Sendable, Equatable, Codable {
    /// `confusion[label][predicted]`: how many samples of each class were predicted as each class.
    public var confusion: [[Int]]

    public init(confusion: [[Int]]) {
        self.confusion = confusion
    }

    public var total: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }
    public var correct: Int { confusion.indices.reduce(0) { $0 + confusion[$1][$1] } }
    public var accuracy: Double { total > 0 ? Double(correct) / Double(total) : 0 }
}

public struct RegressionMetrics: Sendable, Equatable, Codable {
    /// The root of the mean squared error over every target value.
    public var rootMeanSquaredError: Double
    /// The mean absolute error over every target value.
    public var meanAbsoluteError: Double
    /// The coefficient of determination, `1 − SS_res / SS_tot`, averaged over the outputs with equal
    /// weights (scikit-learn's `r2_score`); nil when a target does not vary (SS_tot is 0).
    public var rSquared: Double?

    public init(rootMeanSquaredError: Double, meanAbsoluteError: Double, rSquared: Double?) {
        self.rootMeanSquaredError = rootMeanSquaredError
        self.meanAbsoluteError = meanAbsoluteError
        self.rSquared = rSquared
    }
}

/// Sums over batches what `Evaluation` reports, in `Double`.
struct EvaluationAccumulator {
    private var samples = 0
    private var lossSum = 0.0
    private var confusion: [[Int]] = []
    /// Per output: count, Σ|d|, Σd², and Σ(y − shift), Σ(y − shift)² for SS_tot, shifted by the
    /// first target seen so that large targets do not cancel.
    private var outputs: [OutputSums] = []
    private var isRegression = false

    struct OutputSums {
        var count = 0.0, absolute = 0.0, squared = 0.0
        var shift: Double?, centred = 0.0, centredSquared = 0.0
    }

    mutating func add(output: Tensor<Float>, targets: Batch.Targets, loss: Float) {
        let count = targets.count
        samples += count
        lossSum += Double(loss) * Double(count)
        switch targets {
        case .labels(let labels):
            let classes = output.shape[1]
            // The same model gives every batch the same classes; the loss has checked the labels.
            if confusion.isEmpty { confusion = Array(repeating: Array(repeating: 0, count: classes), count: classes) }
            output.scalars.withUnsafeBufferPointer { z in
                for row in 0..<count {
                    let line = z[(row * classes)..<((row + 1) * classes)]
                    let predicted = line.indices.max { line[$0] < line[$1] }! - row * classes
                    confusion[Int(labels.scalars[row])][predicted] += 1
                }
            }
        case .values(let values):
            isRegression = true
            let width = count > 0 ? values.count / count : 0
            if outputs.isEmpty { outputs = Array(repeating: OutputSums(), count: width) }
            for (index, (y, p)) in zip(values.scalars, output.scalars).enumerated() {
                let (y, d) = (Double(y), Double(p) - Double(y))
                let shift = outputs[index % width].shift ?? y
                outputs[index % width].shift = shift
                outputs[index % width].count += 1
                outputs[index % width].absolute += abs(d)
                outputs[index % width].squared += d * d
                outputs[index % width].centred += y - shift
                outputs[index % width].centredSquared += (y - shift) * (y - shift)
            }
        }
    }

    var evaluation: Evaluation {
        let loss = samples > 0 ? lossSum / Double(samples) : 0
        guard isRegression else {
            return Evaluation(samples: samples, loss: loss, metrics: .classification(ClassificationMetrics(confusion: confusion)))
        }
        let n = outputs.reduce(0) { $0 + $1.count }
        let r2s = outputs.map { sums -> Double? in
            let total = sums.centredSquared - sums.centred * sums.centred / sums.count
            return total > 0 ? 1 - sums.squared / total : nil
        }
        let r2 = r2s.contains(nil) || r2s.isEmpty ? nil : r2s.reduce(0) { $0 + $1! } / Double(r2s.count)
        return Evaluation(
            samples: samples, loss: loss,
            metrics: .regression(RegressionMetrics(
                rootMeanSquaredError: n > 0 ? (outputs.reduce(0) { $0 + $1.squared } / n).squareRoot() : 0,
                meanAbsoluteError: n > 0 ? outputs.reduce(0) { $0 + $1.absolute } / n : 0,
                rSquared: r2)))
    }
}
