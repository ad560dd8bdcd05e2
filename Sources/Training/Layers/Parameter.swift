import Loaders

/// A trainable tensor and the gradient of the loss with respect to it.
///
/// Layers own their parameters; optimizers update `value` from `gradient`. Gradients accumulate
/// across backward passes until `zeroGradient()` (as in PyTorch), which lets a batch be
/// processed in parts.
public final class Parameter {
    /// The name the parameter is saved under, e.g. `0.weight` inside a `Sequential`.
    public var name: String
    /// The current values.
    public var value: Tensor<Float>
    /// The accumulated gradient, the same shape as `value`.
    public var gradient: Tensor<Float>

    /// A parameter holding `value`, with a zero gradient.
    public init(name: String, value: Tensor<Float>) {
        self.name = name
        self.value = value
        self.gradient = Tensor(shape: value.shape, repeating: 0)
    }

    /// The parameter's shape.
    public var shape: [Int] { value.shape }

    /// Sets every gradient element to zero, keeping the storage.
    ///
    /// Each compute thread zeroes the range an optimizer's step gives it, so no thread writes
    /// memory another has just read (on some machines far slower than the writes themselves).
    public func zeroGradient() {
        gradient.scalars.withUnsafeMutableBufferPointer { gradient in
            ComputeThreads.parallelChunks(gradient.count, minimumChunk: ComputeThreads.parameterChunk) { _, range in
                (gradient.baseAddress! + range.lowerBound).update(repeating: 0, count: range.count)
            }
        }
    }
}
