import Loaders

/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight
/// decay, following PyTorch's `torch.optim.SGD` update exactly:
///
/// ```text
/// d = g + weightDecay · p
/// b = d (first step) or momentum · b + (1 − dampening) · d
/// d = d + momentum · b (Nesterov) or b
/// p = p − learningRate · d
/// ```
///
/// The update of a large parameter is split across `ComputeThreads`.
///
/// ```swift
/// let optimizer = SGD(model.parameters, learningRate: 0.01, momentum: 0.9)
/// optimizer.zeroGradients(); model.backward(loss.backward()); optimizer.step()
/// ```
public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    /// Variable so that a schedule such as `OneCycleLR` can cycle it.
    public var momentum: Float
    public let dampening: Float
    public let nesterov: Bool
    public let weightDecay: Float
    /// One momentum buffer per parameter, created on the first step with momentum, as PyTorch does.
    fileprivate var momentumBuffers: [[Float]] = []

    /// - Precondition: rates are non-negative; Nesterov needs momentum > 0 and no dampening.
    public init(
        _ parameters: [Parameter], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
        nesterov: Bool = false, weightDecay: Float = 0
    ) {
        require(learningRate >= 0 && momentum >= 0 && weightDecay >= 0, "SGD rates must be non-negative")
        require(!nesterov || (momentum > 0 && dampening == 0), "Nesterov momentum requires a momentum and zero dampening")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    public func step() {
        let (lr, mu, damp, decay, nesterov) = (learningRate, momentum, dampening, weightDecay, nesterov)
        let first = momentumBuffers.isEmpty && mu > 0
        if first { momentumBuffers = parameters.map { [Float](repeating: 0, count: $0.value.count) } }
        for (index, parameter) in parameters.enumerated() {
            parameter.gradient.scalars.withUnsafeBufferPointer { g in
                parameter.value.scalars.withUnsafeMutableBufferPointer { p in
                    let (p, g, count) = (p.baseAddress!, g.baseAddress!, p.count)
                    if mu == 0 {
                        ComputeThreads.parallelChunks(count, minimumChunk: ComputeThreads.parameterChunk) { _, range in
                            for i in range { p[i] -= lr * (g[i] + decay * p[i]) }
                        }
                        return
                    }
                    momentumBuffers[index].withUnsafeMutableBufferPointer { b in
                        let b = b.baseAddress!
                        ComputeThreads.parallelChunks(count, minimumChunk: ComputeThreads.parameterChunk) { _, range in
                            // Every value read before anything is written, so that the compiler
                            // need not reload p[i] after the store to b[i] and can vectorise.
                            for i in range {
                                let (value, gradient, buffer) = (p[i], g[i], b[i])
                                let d = gradient + decay * value
                                let velocity = first ? d : mu * buffer + (1 - damp) * d
                                b[i] = velocity
                                p[i] = value - lr * (nesterov ? d + mu * velocity : velocity)
                            }
                        }
                    }
                }
            }
        }
    }
}

extension SGD {
    public var state: OptimizerState {
        OptimizerState(kind: "SGD", steps: 0, learningRate: learningRate, momentum: momentum, settings: settings,
                       buffers: [.init(name: "momentum", values: momentumBuffers)])
    }

    public func restore(_ state: OptimizerState) throws {
        let buffers = try state.checked(against: self.state, parameters: parameters, optional: ["momentum"])
        learningRate = state.learningRate
        momentum = state.momentum!
        momentumBuffers = buffers["momentum"]!
    }

    private var settings: [String: Float] {
        ["dampening": dampening, "nesterov": nesterov ? 1 : 0, "weight_decay": weightDecay]
    }
}

extension SGD: MomentumOptimizer {
    public var momentumFactor: Float {
        get { momentum }
        set { momentum = newValue }
    }
}
