import ArgumentParser
import Foundation
import Loaders
import Training

/// `--loss`: cross-entropy for classification; mse, l1 or huber[:DELTA] for regression.
enum LossChoice: Equatable {
    case crossEntropy, meanSquared, absolute
    case huber(delta: Float)

    /// - Throws: `ValidationError` naming the forms it takes.
    init(parsing text: String) throws {
        let parts = text.lowercased().split(separator: ":", omittingEmptySubsequences: false)
        switch (parts[0], parts.count) {
        case ("cross-entropy", 1), ("crossentropy", 1): self = .crossEntropy
        case ("mse", 1): self = .meanSquared
        case ("l1", 1), ("mae", 1): self = .absolute
        case ("huber", 1): self = .huber(delta: 1)
        case ("huber", 2):
            guard let delta = Float(parts[1]), delta > 0, delta.isFinite else { fallthrough }
            self = .huber(delta: delta)
        default:
            throw ValidationError("--loss \"\(text)\" is not cross-entropy, mse, l1, huber or huber:DELTA with a positive DELTA")
        }
    }

    /// The default for a task: PyTorch's usual choices.
    static func standard(for task: TaskChoice) -> LossChoice {
        task == .classification ? .crossEntropy : .meanSquared
    }

    var task: TaskChoice { self == .crossEntropy ? .classification : .regression }

    var name: String {
        switch self {
        case .crossEntropy: "cross-entropy"
        case .meanSquared: "mse"
        case .absolute: "l1"
        case .huber(let delta): "huber:\(delta)"
        }
    }

    func makeLoss() -> any Loss {
        switch self {
        case .crossEntropy: CrossEntropyLoss()
        case .meanSquared: MSELoss()
        case .absolute: L1Loss()
        case .huber(let delta): HuberLoss(delta: delta)
        }
    }
}

/// How evaluations read on a terminal and in JSON lines.
enum EvaluationText {
    /// `test accuracy 97.10%` or `validation RMSE 0.412, MAE 0.331, R² 0.987`, after the loss.
    static func readable(_ evaluation: Evaluation, on name: String) -> String {
        switch evaluation.metrics {
        case .classification(let metrics):
            return String(format: "%@ loss %.4f, accuracy %.2f%%", name, evaluation.loss, metrics.accuracy * 100)
        case .regression(let metrics):
            let r2 = metrics.rSquared.map { String(format: ", R² %.4f", $0) } ?? ", R² undefined (constant targets)"
            return String(format: "%@ loss %.4f, RMSE %.4g, MAE %.4g%@", name, evaluation.loss,
                          metrics.rootMeanSquaredError, metrics.meanAbsoluteError, r2)
        }
    }

    /// `name_loss`, then `name_accuracy` or `name_rmse`, `name_mae`, `name_r2`; every key present
    /// (null when there is no such evaluation) so that lines of one run share their keys.
    static func json(_ evaluation: Evaluation?, on name: String, task: TaskChoice) -> [(String, JSON)] {
        let loss: [(String, JSON)] = [("\(name)_loss", evaluation.map { .double($0.loss) } ?? .null)]
        switch task {
        case .classification:
            return loss + [("\(name)_accuracy", evaluation?.accuracy.map { .double($0) } ?? .null)]
        case .regression:
            let metrics = evaluation?.regression
            return loss + [
                ("\(name)_rmse", metrics.map { .double($0.rootMeanSquaredError) } ?? .null),
                ("\(name)_mae", metrics.map { .double($0.meanAbsoluteError) } ?? .null),
                ("\(name)_r2", metrics?.rSquared.map { .double($0) } ?? .null),
            ]
        }
    }

    /// The confusion matrix as an aligned table: a row per true class, a column per prediction.
    static func confusionTable(_ metrics: ClassificationMetrics) -> String {
        let width = max(4, String(metrics.confusion.flatMap { $0 }.max() ?? 0).count + 1, String(metrics.confusion.count).count + 1)
        func cell(_ text: String) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        var lines = ["confusion matrix (rows: true class, columns: predicted)"]
        lines.append(cell("") + " " + metrics.confusion.indices.map { cell(String($0)) }.joined())
        for (label, row) in metrics.confusion.enumerated() {
            lines.append(cell(String(label)) + " " + row.map { cell(String($0)) }.joined())
        }
        return lines.joined(separator: "\n")
    }
}
