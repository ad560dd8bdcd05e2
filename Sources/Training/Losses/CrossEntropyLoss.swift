import Foundation
import Loaders

/// The mean over a batch of `−log softmax(logits)[label]`, like PyTorch's `nn.CrossEntropyLoss`.
///
/// The log-softmax subtracts each row's maximum before exponentiating, so large logits neither
/// overflow nor lose the small probabilities' precision.
///
/// ```swift
/// let loss = CrossEntropyLoss()
/// let value = loss.forward(model.forward(batch.features), labels: batch.labels)
/// model.backward(loss.backward())
/// ```
public final class CrossEntropyLoss {
    private var gradient = Tensor<Float>.empty

    public init() {}

    /// The mean cross-entropy of `logits` `[batch, classes]` against class indices `labels`.
    /// - Precondition: every label is in `0..<classes`.
    /// - Complexity: O(batch · classes).
    public func forward(_ logits: Tensor<Float>, labels: Tensor<Int32>) -> Float {
        require(logits.rank == 2 && logits.shape[0] == labels.count,
                     "CrossEntropyLoss expects [batch, classes] logits and batch labels, got \(logits.shape), \(labels.shape)")
        let (batch, classes) = (logits.shape[0], logits.shape[1])
        gradient.reuse(shape: logits.shape)
        var total: Double = 0
        logits.scalars.withUnsafeBufferPointer { z in
            gradient.scalars.withUnsafeMutableBufferPointer { g in
                for row in 0..<batch {
                    let label = Int(labels.scalars[row])
                    require(label >= 0 && label < classes, "label \(label) outside 0..<\(classes)")
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
