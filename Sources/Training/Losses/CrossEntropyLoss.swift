import Foundation
import Loaders

/// The mean over a batch of `−log softmax(logits)[label]`, like PyTorch's `nn.CrossEntropyLoss`.
///
/// The log-softmax subtracts each row's maximum before exponentiating, so large logits neither
/// overflow nor lose the small probabilities' precision.
///
/// ```swift
/// let loss = CrossEntropyLoss()
/// let value = try loss.forward(model.forward(batch.features), targets: batch.targets)
/// model.backward(loss.backward())
/// ```
public final class CrossEntropyLoss: Loss {
    private var gradient = Tensor<Float>.empty

    public init() {}

    /// The mean cross-entropy of `logits` `[batch, classes]` against class labels.
    /// - Throws: `LoaderError(.mismatch)` for real-valued targets, a label count other than the
    ///   batch's, or a label outside `0..<classes`, before anything is computed.
    /// - Complexity: O(batch · classes).
    public func forward(_ logits: Tensor<Float>, targets: Batch.Targets) throws -> Float {
        guard let labels = targets.labels else {
            throw LoaderError(.mismatch, "CrossEntropyLoss needs class labels, and the batch has real-valued targets")
        }
        guard logits.rank == 2 && logits.shape[0] == labels.count else {
            throw LoaderError(.mismatch, "CrossEntropyLoss expects [batch, classes] logits and batch labels, got \(logits.shape) and \(labels.shape)")
        }
        // A label beyond the model's outputs would index past the logits: a data error, reported as one.
        for (row, label) in labels.scalars.enumerated() where label < 0 || Int(label) >= logits.shape[1] {
            throw LoaderError(.mismatch, "label \(label) in row \(row) of the batch is outside the model's classes 0..<\(logits.shape[1])")
        }
        let (batch, classes) = (logits.shape[0], logits.shape[1])
        gradient.reuse(shape: logits.shape)
        var total: Double = 0
        logits.scalars.withUnsafeBufferPointer { z in
            gradient.scalars.withUnsafeMutableBufferPointer { g in
                for row in 0..<batch {
                    let label = Int(labels.scalars[row])
                    let line = z.baseAddress! + row * classes, out = g.baseAddress! + row * classes
                    var largest = -Float.infinity
                    for c in 0..<classes { largest = max(largest, line[c]) }
                    var sum: Float = 0
                    for c in 0..<classes {
                        out[c] = exp(line[c] - largest)
                        sum += out[c]
                    }
                    total += Double(largest + log(sum) - line[label])
                    // d/dz of the batch mean: (softmax − one-hot) / batch.
                    let scale = 1 / (sum * Float(batch))
                    for c in 0..<classes { out[c] *= scale }
                    out[label] -= 1 / Float(batch)
                }
            }
        }
        return Float(total / Double(max(batch, 1)))
    }

    /// The gradient of the latest `forward`'s loss with respect to its logits.
    public func backward() -> Tensor<Float> {
        gradient
    }
}
