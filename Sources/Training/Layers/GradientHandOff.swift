import Loaders

/// Where a backward pass reads the loss gradient with respect to its layer's output.
enum GradientSource {
    /// A `[batch, …]` buffer holding the whole batch's gradient.
    case stored(UnsafePointer<Float>)
    /// Written on demand for a range of samples into the given buffer, a few samples at a time, so
    /// it stays in cache instead of being stored for the whole batch.
    case produced((Range<Int>, UnsafeMutablePointer<Float>) -> Void)
}

/// A layer whose backward pass can take its output gradient a few samples at a time from a
/// `GradientProducer` later in a `Sequential` (a `Conv2d`, whose gradient per image is large).
protocol GradientConsumer: Layer {
    /// The backward pass reading the output gradient from `source`.
    func backward(from source: GradientSource) -> Tensor<Float>
}

/// A layer that can write its input gradient for any range of samples after its backward pass
/// (a `Linear`, where a range is one small product), so it need not store it for the whole batch.
protocol GradientProducer: Layer {
    /// Writes the input gradient of samples `rows` of the latest `backward` into `target`,
    /// `rows.count` samples laid out as the input is. Safe to call from several threads at once.
    func writeInputGradient(rows: Range<Int>, into target: UnsafeMutablePointer<Float>)
}

/// A layer that changes only its input's shape, never its values or their order (a `Flatten`),
/// so a `GradientConsumer` may read a `GradientProducer`'s gradient across it.
protocol ReshapingLayer: Layer {}
