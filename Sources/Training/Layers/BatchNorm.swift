import Loaders

/// Batch normalisation, as PyTorch's `_BatchNorm` shares it between `BatchNorm1d` and
/// `BatchNorm2d`: each channel (dimension 1) is normalised by the mean and biased variance of the
/// batch, then scaled by `weight` and shifted by `bias` (initially 1 and 0).
///
/// Training mode also updates the running statistics, `running = (1 − momentum) · running +
/// momentum · batch`, with the unbiased variance, as PyTorch does; evaluation mode normalises by
/// them instead. They are the layer's `buffers`, so a model file saves them.
public class BatchNormalization: Layer {
    /// The channel count `C` of `[N, C, …]` inputs.
    public let features: Int
    /// Added to the variance before its square root.
    public let epsilon: Float
    /// The weight of each batch in the running statistics.
    public let momentum: Float
    /// `[features]`, initially 1.
    public let weight: Parameter
    /// `[features]`, initially 0.
    public let bias: Parameter
    /// `[features]`, initially 0.
    public let runningMean: Parameter
    /// `[features]`, initially 1.
    public let runningVariance: Parameter
    public var isTraining = true
    public var computesInputGradient = true
    public var parameters: [Parameter] { [weight, bias] }
    public var buffers: [Parameter] { [runningMean, runningVariance] }

    /// The layer's name and the input shapes it takes, for messages.
    private let layer: String, expectedShape: String
    private let acceptedRanks: Set<Int>
    private var output = Tensor<Float>.empty
    private var inputGradient = Tensor<Float>.empty
    /// The latest training batch normalised, `(x − mean) / √(variance + ε)`, for the backward pass.
    private var normalized: [Float] = []
    /// Per channel, `1 / √(variance + ε)` of the latest training batch.
    private var inverseDeviation: [Float] = []
    private var hasTrainingForward = false

    init(layer: String, expectedShape: String, acceptedRanks: Set<Int>, features: Int, epsilon: Float, momentum: Float) {
        require(features > 0, "\(layer) needs a positive feature count, got \(features)")
        require(epsilon > 0 && momentum >= 0 && momentum <= 1,
                "\(layer) needs epsilon > 0 and momentum in [0, 1], got \(epsilon) and \(momentum)")
        self.layer = layer
        self.expectedShape = expectedShape
        self.acceptedRanks = acceptedRanks
        self.features = features
        self.epsilon = epsilon
        self.momentum = momentum
        weight = Parameter(name: "weight", value: Tensor(shape: [features], repeating: 1))
        bias = Parameter(name: "bias", value: Tensor(shape: [features], repeating: 0))
        runningMean = Parameter(name: "running_mean", value: Tensor(shape: [features], repeating: 0))
        runningVariance = Parameter(name: "running_var", value: Tensor(shape: [features], repeating: 1))
    }

    public func forward(_ input: Tensor<Float>) -> Tensor<Float> {
        require(acceptedRanks.contains(input.rank), "\(layer) expects \(expectedShape), got \(input.shape)")
        let training = isTraining
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
    public func backward(_ outputGradient: Tensor<Float>) -> Tensor<Float> {
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

/// Batch normalisation over `[batch, features, height, width]`, like PyTorch's `nn.BatchNorm2d`;
/// see `BatchNormalization` for the statistics and modes.
///
/// ```swift
/// let norm = BatchNorm2d(features: 32)
/// let y = norm.forward(activations)   // [64, 32, 26, 26], each channel ≈ mean 0, variance 1
/// ```
public final class BatchNorm2d: BatchNormalization {
    /// - Parameters:
    ///   - features: the channel count `C` of `[N, C, H, W]` inputs.
    ///   - epsilon: added to the variance before its square root.
    ///   - momentum: the weight of each batch in the running statistics.
    /// - Precondition: `features > 0`, `epsilon > 0`, `0 ≤ momentum ≤ 1`.
    public init(features: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
        super.init(layer: "BatchNorm2d", expectedShape: "[batch, \(features), height, width]", acceptedRanks: [4],
                   features: features, epsilon: epsilon, momentum: momentum)
    }
}

/// Batch normalisation over `[batch, features]` or `[batch, features, length]`, like PyTorch's
/// `nn.BatchNorm1d`; see `BatchNormalization` for the statistics and modes.
///
/// ```swift
/// let norm = BatchNorm1d(features: 128)
/// let y = norm.forward(hidden)   // [64, 128]
/// ```
public final class BatchNorm1d: BatchNormalization {
    /// - Parameters:
    ///   - features: the feature count `C` of `[N, C]` or `[N, C, L]` inputs.
    ///   - epsilon: added to the variance before its square root.
    ///   - momentum: the weight of each batch in the running statistics.
    /// - Precondition: `features > 0`, `epsilon > 0`, `0 ≤ momentum ≤ 1`.
    public init(features: Int, epsilon: Float = 1e-5, momentum: Float = 0.1) {
        super.init(layer: "BatchNorm1d", expectedShape: "[batch, \(features)] or [batch, \(features), length]",
                   acceptedRanks: [2, 3], features: features, epsilon: epsilon, momentum: momentum)
    }
}
