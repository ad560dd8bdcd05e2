import Loaders

/// Zeroes each element with probability `probability` in training mode and scales the rest by
/// `1 / (1 − probability)`, like PyTorch's `nn.Dropout`; the identity in evaluation mode.
///
/// Element `i` of the `n`-th training pass is dropped by a counter-based generator keyed by
/// (seed, n, i): a run is reproducible, and the mask costs one hash per two elements, split
/// across `ComputeThreads` with the same result however the work is divided.
public final class Dropout: Layer {
    public let probability: Float
    public var isTraining = true
    public var computesInputGradient = true
    private var seed: UInt64
    /// Training forward passes so far: the mask's second key.
    private var passes: UInt64 = 0
    private var output = Tensor<Float>.empty
    private var inputGradient = Tensor<Float>.empty
    /// The per-element factor of the latest training forward pass: 0 or 1 / (1 − p).
    private var scale: [Float] = []

    /// - Precondition: `0 <= probability < 1`.
    public init(probability: Float = 0.5, seed: UInt64 = 0) {
        require(probability >= 0 && probability < 1, "Dropout probability must be in [0, 1), got \(probability)")
        self.probability = probability
        self.seed = seed
    }

    public var parameters: [Parameter] { [] }

    /// The mask generator: the seed and the number of training passes so far.
    public var generators: [GeneratorState] {
        get { [GeneratorState(seed: seed, position: passes)] }
        set {
            require(newValue.count == 1, "Dropout has one random generator, and was given \(newValue.count)")
            (seed, passes) = (newValue[0].seed, newValue[0].position)
        }
    }

    public func forward(_ input: Tensor<Float>) -> Tensor<Float> {
        guard isTraining else { return input }
        output.reuse(shape: input.shape)
        if scale.count != input.count { scale = [Float](repeating: 0, count: input.count) }
        let keep = 1 / (1 - probability)
        let threshold = UInt32(Double(probability) * 0x1p32)
        let key = CounterHash.key(seed, passes)
        passes += 1
        let count = input.count
        input.scalars.withUnsafeBufferPointer { x in
            output.scalars.withUnsafeMutableBufferPointer { y in
                scale.withUnsafeMutableBufferPointer { scale in
                    let (x, y, scale) = (x.baseAddress!, y.baseAddress!, scale.baseAddress!)
                    // One hash gives the draws of elements 2j and 2j + 1.
                    ComputeThreads.parallelChunks((count + 1) / 2, minimumChunk: 8192) { _, pairs in
                        for pair in pairs {
                            let bits = CounterHash.value(key, pair)
                            let i = 2 * pair
                            scale[i] = UInt32(truncatingIfNeeded: bits) < threshold ? 0 : keep
                            y[i] = x[i] * scale[i]
                            if i + 1 < count {
                                scale[i + 1] = UInt32(truncatingIfNeeded: bits >> 32) < threshold ? 0 : keep
                                y[i + 1] = x[i + 1] * scale[i + 1]
                            }
                        }
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
                    ComputeThreads.parallelChunks(dy.count, minimumChunk: 16_384) { _, range in
                        let at = range.lowerBound
                        Kernels.multiply(dy.baseAddress! + at, by: scale.baseAddress! + at, count: range.count,
                                         into: dx.baseAddress! + at)
                    }
                }
            }
        }
        return inputGradient
    }
}
