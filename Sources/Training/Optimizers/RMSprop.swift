import Loaders

/// RMSprop, following PyTorch's `torch.optim.RMSprop` update exactly:
///
/// ```text
/// g = g + weightDecay · p
/// s = α · s + (1 − α) · g²
/// a = g̅ = g̅ + (1 − α) · (g − g̅), √(s − g̅²) + ε   (centered)   |   √s + ε
/// b = momentum · b + g / a,  p = p − lr · b            (momentum > 0)
/// p = p − lr · g / a                                   (otherwise)
/// ```
///
/// ```swift
/// let optimizer = RMSprop(model.parameters, learningRate: 0.001)
/// ```
public final class RMSprop: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    /// The decay of the running mean of squared gradients.
    public let alpha: Float
    public let epsilon: Float
    public let weightDecay: Float
    /// Variable so that a schedule such as `OneCycleLR` can cycle it.
    public var momentum: Float
    /// Whether to divide by the gradient's estimated variance rather than its mean square.
    public let centered: Bool
    fileprivate var squareAverages: [[Float]]
    fileprivate var gradientAverages: [[Float]]
    /// Created on the first step with momentum.
    fileprivate var momentumBuffers: [[Float]] = []

    /// - Precondition: `0 ≤ alpha ≤ 1`; the rates, `epsilon` and `momentum` are non-negative.
    public init(
        _ parameters: [Parameter], learningRate: Float = 0.01, alpha: Float = 0.99, epsilon: Float = 1e-8,
        weightDecay: Float = 0, momentum: Float = 0, centered: Bool = false
    ) {
        require(alpha >= 0 && alpha <= 1, "RMSprop alpha must be in [0, 1], got \(alpha)")
        require(learningRate >= 0 && epsilon >= 0 && weightDecay >= 0 && momentum >= 0, "RMSprop rates must be non-negative")
        self.parameters = parameters
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
        let zeros = parameters.map { [Float](repeating: 0, count: $0.value.count) }
        squareAverages = zeros
        gradientAverages = centered ? zeros : []
    }

    public func step() {
        let (lr, alpha, eps, decay, mu, centered) = (learningRate, alpha, epsilon, weightDecay, momentum, centered)
        if mu > 0 && momentumBuffers.isEmpty { momentumBuffers = parameters.map { [Float](repeating: 0, count: $0.value.count) } }
        // A buffer the settings leave unused is an empty array, never read.
        func buffer(_ buffers: inout [[Float]], _ index: Int, _ body: (UnsafeMutablePointer<Float>?) -> Void) {
            guard index < buffers.count else { return body(nil) }
            buffers[index].withUnsafeMutableBufferPointer { body($0.baseAddress) }
        }
        for (index, parameter) in parameters.enumerated() {
            parameter.gradient.scalars.withUnsafeBufferPointer { g in
                parameter.value.scalars.withUnsafeMutableBufferPointer { p in
                    squareAverages[index].withUnsafeMutableBufferPointer { s in
                        buffer(&gradientAverages, index) { averages in
                            buffer(&momentumBuffers, index) { velocities in
                                let (p, g, s, count) = (p.baseAddress!, g.baseAddress!, s.baseAddress!, p.count)
                                ComputeThreads.parallelChunks(count, minimumChunk: ComputeThreads.parameterChunk) { _, range in
                                    for i in range {
                                        // Fused multiply-adds where PyTorch's kernels use them: with
                                        // weight decay the sum may cancel, and the rounding then shows.
                                        let gradient = g[i].addingProduct(decay, p[i])
                                        s[i] = alpha * s[i] + (1 - alpha) * gradient * gradient
                                        var meanSquare = s[i]
                                        if centered, let averages {
                                            averages[i] += (gradient - averages[i]) * (1 - alpha)
                                            meanSquare -= averages[i] * averages[i]
                                        }
                                        let denominator = meanSquare.squareRoot() + eps
                                        if mu > 0, let velocities {
                                            velocities[i] = mu * velocities[i] + gradient / denominator
                                            p[i] = p[i].addingProduct(-lr, velocities[i])
                                        } else {
                                            p[i] -= lr * (gradient / denominator)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

extension RMSprop {
    public var state: OptimizerState {
        OptimizerState(
            kind: "RMSprop", steps: 0, learningRate: learningRate, momentum: momentum,
            settings: ["alpha": alpha, "epsilon": epsilon, "weight_decay": weightDecay, "centered": centered ? 1 : 0],
            buffers: [.init(name: "square_avg", values: squareAverages), .init(name: "grad_avg", values: gradientAverages),
                      .init(name: "momentum_buffer", values: momentumBuffers)])
    }

    public func restore(_ state: OptimizerState) throws {
        // The gradient averages exist exactly when centered, which the settings check.
        let buffers = try state.checked(against: self.state, parameters: parameters,
                                        optional: centered ? ["momentum_buffer"] : ["grad_avg", "momentum_buffer"])
        learningRate = state.learningRate
        momentum = state.momentum!
        squareAverages = buffers["square_avg"]!
        gradientAverages = buffers["grad_avg"]!
        momentumBuffers = buffers["momentum_buffer"]!
    }
}

extension RMSprop: MomentumOptimizer {
    public var momentumFactor: Float {
        get { momentum }
        set { momentum = newValue }
    }
}
