import Loaders

/// Batch normalisation over `[batch, features, height, width]`, like PyTorch's `nn.BatchNorm2d`:
/// each channel is normalised by the mean and biased variance of the batch, then scaled by
/// `weight` and shifted by `bias` (initially 1 and 0).
///
/// Training mode also updates the running statistics, `running = (1 − momentum) · running +
/// momentum · batch`, with the unbiased variance, as PyTorch does; evaluation mode normalises by
/// them instead. They are the layer's `buffers`, so a model file saves them.
///
/// ```swift
/// let norm = BatchNorm2d(features: 32)
/// let y = norm.forward(activations)   // [64, 32, 26, 26], each channel ≈ mean 0, variance 1
/// ```
public final class BatchNorm2d: Layer {
    let core: BatchNormalization

    /// - Parameters:
    ///   - features: the channel count `C` of `[N, C, H, W]` inputs.
    ///   - epsilon: added to the variance before its square root.
    ///   - momentum: the weight of each batch in the running statistics.
    /// - Precondition: `features > 0`, `epsilon > 0`, `0 ≤ momentum ≤ 1`.
    public init(features: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
        core = BatchNormalization(layer: "BatchNorm2d", features: features, epsilon: epsilon, momentum: momentum)
    }

    public var features: Int { core.features }
    public var epsilon: Float { core.epsilon }
    public var momentum: Float { core.momentum }
    /// `[features]`, initially 1.
    public var weight: Parameter { core.weight }
    /// `[features]`, initially 0.
    public var bias: Parameter { core.bias }
    /// `[features]`, initially 0.
    public var runningMean: Parameter { core.runningMean }
    /// `[features]`, initially 1.
    public var runningVariance: Parameter { core.runningVariance }
    public var isTraining = true
    public var computesInputGradient = true
    public var parameters: [Parameter] { [core.weight, core.bias] }
    public var buffers: [Parameter] { [core.runningMean, core.runningVariance] }

    public func forward(_ input: Tensor<Float>) -> Tensor<Float> {
        require(input.rank == 4, "BatchNorm2d expects [batch, \(features), height, width], got \(input.shape)")
        return core.forward(input, training: isTraining)
    }

    public func backward(_ outputGradient: Tensor<Float>) -> Tensor<Float> {
        core.backward(outputGradient, computesInputGradient: computesInputGradient)
    }
}

/// Batch normalisation over `[batch, features]` or `[batch, features, length]`, like PyTorch's
/// `nn.BatchNorm1d`; see `BatchNorm2d` for the statistics and modes.
///
/// ```swift
/// let norm = BatchNorm1d(features: 128)
/// let y = norm.forward(hidden)   // [64, 128]
/// ```
public final class BatchNorm1d: Layer {
    let core: BatchNormalization

    /// - Parameters:
    ///   - features: the feature count `C` of `[N, C]` or `[N, C, L]` inputs.
    ///   - epsilon: added to the variance before its square root.
    ///   - momentum: the weight of each batch in the running statistics.
    /// - Precondition: `features > 0`, `epsilon > 0`, `0 ≤ momentum ≤ 1`.
    public init(features: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
        core = BatchNormalization(layer: "BatchNorm1d", features: features, epsilon: epsilon, momentum: momentum)
    }

    public var features: Int { core.features }
    public var epsilon: Float { core.epsilon }
    public var momentum: Float { core.momentum }
    /// `[features]`, initially 1.
    public var weight: Parameter { core.weight }
    /// `[features]`, initially 0.
    public var bias: Parameter { core.bias }
    /// `[features]`, initially 0.
    public var runningMean: Parameter { core.runningMean }
    /// `[features]`, initially 1.
    public var runningVariance: Parameter { core.runningVariance }
    public var isTraining = true
    public var computesInputGradient = true
    public var parameters: [Parameter] { [core.weight, core.bias] }
    public var buffers: [Parameter] { [core.runningMean, core.runningVariance] }

    public func forward(_ input: Tensor<Float>) -> Tensor<Float> {
        require(input.rank == 2 || input.rank == 3, "BatchNorm1d expects [batch, \(features)] or [batch, \(features), length], got \(input.shape)")
        return core.forward(input, training: isTraining)
    }

    public func backward(_ outputGradient: Tensor<Float>) -> Tensor<Float> {
        core.backward(outputGradient, computesInputGradient: computesInputGradient)
    }
}

/// The arithmetic both batch normalisation layers share, over inputs `[batch, features, rest…]`.
final class BatchNormalization {
    let layer: String
    let features: Int
    let epsilon: Float
    let momentum: Float
    let weight: Parameter
    let bias: Parameter
    let runningMean: Parameter
    let runningVariance: Parameter

    private var output = Tensor<Float>.empty
    private var inputGradient = Tensor<Float>.empty
    /// The latest training batch normalised, `(x − mean) / √(variance + ε)`, for the backward pass.
    private var normalized: [Float] = []
    /// Per channel, `1 / √(variance + ε)` of the latest training batch.
    private var inverseDeviation: [Float] = []
    private var hasTrainingForward = false

    init(layer: String, features: Int, epsilon: Float, momentum: Float) {
        require(features > 0, "\(layer) needs a positive feature count, got \(features)")
        require(epsilon > 0 && momentum >= 0 && momentum <= 1,
                "\(layer) needs epsilon > 0 and momentum in [0, 1], got \(epsilon) and \(momentum)")
        self.layer = layer
        self.features = features
        self.epsilon = epsilon
        self.momentum = momentum
        weight = Parameter(name: "weight", value: Tensor(shape: [features], repeating: 1))
        bias = Parameter(name: "bias", value: Tensor(shape: [features], repeating: 0))
        runningMean = Parameter(name: "running_mean", value: Tensor(shape: [features], repeating: 0))
        runningVariance = Parameter(name: "running_var", value: Tensor(shape: [features], repeating: 1))
    }

    func forward(_ input: Tensor<Float>, training: Bool) -> Tensor<Float> {
        require(input.shape[1] == features, "\(layer) expects \(features) features in dimension 1, got \(input.shape)")
        let batch = input.shape[0]
        let inner = input.count / max(1, batch * features)
        let perChannel = batch * inner
        output.reuse(shape: input.shape)
        hasTrainingForward = training
        if training {
            // PyTorch refuses this too: the variance of one value is undefined.
            require(perChannel > 1, "\(layer) needs more than one value per channel in training mode, got \(input.shape)")
            if normalized.count != input.count { normalized = [Float](repeating: 0, count: input.count) }
            if inverseDeviation.count != features { inverseDeviation = [Float](repeating: 0, count: features) }
        }
        input.scalars.withUnsafeBufferPointer { x in
            output.scalars.withUnsafeMutableBufferPointer { y in
                normalized.withUnsafeMutableBufferPointer { xhat in
                    for channel in 0..<features {
                        let (mean, scale): (Float, Float)
                        if training {
                            // Two passes in double precision, so large means do not swamp the variance.
                            var sum = 0.0
                            for n in 0..<batch {
                                for i in 0..<inner { sum += Double(x[(n * features + channel) * inner + i]) }
                            }
                            let batchMean = sum / Double(perChannel)
                            var squares = 0.0
                            for n in 0..<batch {
                                for i in 0..<inner {
                                    let d = Double(x[(n * features + channel) * inner + i]) - batchMean
                                    squares += d * d
                                }
                            }
                            let variance = squares / Double(perChannel)
                            mean = Float(batchMean)
                            scale = Float(1 / (variance + Double(epsilon)).squareRoot())
                            inverseDeviation[channel] = scale
                            let m = momentum
                            runningMean.value.scalars[channel] = (1 - m) * runningMean.value.scalars[channel] + m * mean
                            runningVariance.value.scalars[channel] = (1 - m) * runningVariance.value.scalars[channel]
                                + m * Float(squares / Double(perChannel - 1))
                        } else {
                            mean = runningMean.value.scalars[channel]
                            scale = 1 / (runningVariance.value.scalars[channel] + epsilon).squareRoot()
                        }
                        let (w, b) = (weight.value.scalars[channel], bias.value.scalars[channel])
                        for n in 0..<batch {
                            let start = (n * features + channel) * inner
                            for i in start..<(start + inner) {
                                let normal = (x[i] - mean) * scale
                                if training { xhat[i] = normal }
                                y[i] = normal * w + b
                            }
                        }
                    }
                }
            }
        }
        return output
    }

    /// `dx = w / σ · (dy − mean(dy) − x̂ · mean(dy · x̂))`, per channel.
    func backward(_ outputGradient: Tensor<Float>, computesInputGradient: Bool) -> Tensor<Float> {
        require(hasTrainingForward && outputGradient.shape == output.shape,
                "\(layer) gradient \(outputGradient.shape) needs a training-mode forward pass of that shape first")
        let batch = output.shape[0]
        let inner = output.count / max(1, batch * features)
        let count = Float(batch * inner)
        if computesInputGradient { inputGradient.reuse(shape: output.shape) }
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            normalized.withUnsafeBufferPointer { xhat in
                inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                    for channel in 0..<features {
                        var (sum, dot) = (0.0, 0.0)
                        for n in 0..<batch {
                            let start = (n * features + channel) * inner
                            for i in start..<(start + inner) {
                                sum += Double(dy[i])
                                dot += Double(dy[i]) * Double(xhat[i])
                            }
                        }
                        weight.gradient.scalars[channel] += Float(dot)
                        bias.gradient.scalars[channel] += Float(sum)
                        guard computesInputGradient else { continue }
                        let factor = weight.value.scalars[channel] * inverseDeviation[channel]
                        let (meanGradient, meanDot) = (Float(sum) / count, Float(dot) / count)
                        for n in 0..<batch {
                            let start = (n * features + channel) * inner
                            for i in start..<(start + inner) {
                                dx[i] = factor * (dy[i] - meanGradient - xhat[i] * meanDot)
                            }
                        }
                    }
                }
            }
        }
        return computesInputGradient ? inputGradient : .empty
    }
}
