import Loaders

/// Zeroes each element with probability `probability` in training mode and scales the rest by
/// `1 / (1 − probability)`, like PyTorch's `nn.Dropout`; the identity in evaluation mode.
/// The masks come from a seeded generator, so a run is reproducible.
public final class Dropout: Layer {
    public let probability: Float
    public var isTraining = true
    public var computesInputGradient = true
    private var generator: SeededGenerator
    private var output = Tensor<Float>.empty
    private var inputGradient = Tensor<Float>.empty
    /// The per-element factor of the latest training forward pass: 0 or 1 / (1 − p).
    private var scale: [Float] = []

    /// - Precondition: `0 <= probability < 1`.
    public init(probability: Float = 0.5, seed: UInt64 = 0) {
        require(probability >= 0 && probability < 1, "Dropout probability must be in [0, 1), got \(probability)")
        self.probability = probability
        self.generator = SeededGenerator(seed: seed)
    }

    public var parameters: [Parameter] { [] }

    public func forward(_ input: Tensor<Float>) -> Tensor<Float> {
        guard isTraining else { return input }
        output.reuse(shape: input.shape)
        if scale.count != input.count { scale = [Float](repeating: 0, count: input.count) }
        let keep = 1 / (1 - probability)
        let threshold = UInt64(Double(probability) * 0x1p53)
        input.scalars.withUnsafeBufferPointer { x in
            output.scalars.withUnsafeMutableBufferPointer { y in
                scale.withUnsafeMutableBufferPointer { scale in
                    for i in 0..<x.count {
                        scale[i] = (generator.next() >> 11) < threshold ? 0 : keep
                        y[i] = x[i] * scale[i]
                    }
                }
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor<Float>) -> Tensor<Float> {
        require(outputGradient.count == scale.count, "Dropout gradient \(outputGradient.shape) does not match its input")
        inputGradient.reuse(shape: outputGradient.shape)
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            scale.withUnsafeBufferPointer { scale in
                inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                    for i in 0..<dy.count { dx[i] = dy[i] * scale[i] }
                }
            }
        }
        return inputGradient
    }
}
