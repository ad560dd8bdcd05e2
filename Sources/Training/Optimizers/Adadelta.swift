import Loaders

/// Adadelta, following PyTorch's `torch.optim.Adadelta` update exactly:
///
/// ```text
/// g = g + weightDecay · p
/// s = ρ · s + (1 − ρ) · g²
/// d = √(u + ε) / √(s + ε) · g
/// u = ρ · u + (1 − ρ) · d²
/// p = p − lr · d
/// ```
///
/// ```swift
/// let optimizer = Adadelta(model.parameters)   // PyTorch's MNIST example uses lr 1.0
/// ```
public final class Adadelta: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    /// The decay of the running means of squared gradients and squared updates.
    public let rho: Float
    public let epsilon: Float
    public let weightDecay: Float
    private var squareAverages: [[Float]]
    private var updateAverages: [[Float]]

    public var state: OptimizerState {
        OptimizerState(
            kind: "Adadelta", steps: 0, learningRate: learningRate, momentum: nil,
            settings: ["rho": rho, "epsilon": epsilon, "weight_decay": weightDecay],
            buffers: [.init(name: "square_avg", values: squareAverages), .init(name: "acc_delta", values: updateAverages)])
    }

    /// - Precondition: `0 ≤ rho ≤ 1`; `learningRate`, `epsilon` and `weightDecay` non-negative.
    public init(_ parameters: [Parameter], learningRate: Float = 1, rho: Float = 0.9, epsilon: Float = 1e-6, weightDecay: Float = 0) {
        require(rho >= 0 && rho <= 1, "Adadelta rho must be in [0, 1], got \(rho)")
        require(learningRate >= 0 && epsilon >= 0 && weightDecay >= 0, "Adadelta rates must be non-negative")
        self.parameters = parameters
        self.learningRate = learningRate
        self.rho = rho
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        squareAverages = parameters.map { [Float](repeating: 0, count: $0.value.count) }
        updateAverages = squareAverages
    }

    public func step() {
        let (lr, rho, eps, decay) = (learningRate, rho, epsilon, weightDecay)
        for (index, parameter) in parameters.enumerated() {
            parameter.gradient.scalars.withUnsafeBufferPointer { g in
                parameter.value.scalars.withUnsafeMutableBufferPointer { p in
                    squareAverages[index].withUnsafeMutableBufferPointer { s in
                        updateAverages[index].withUnsafeMutableBufferPointer { u in
                            let (p, g, s, u, count) = (p.baseAddress!, g.baseAddress!, s.baseAddress!, u.baseAddress!, p.count)
                            ComputeThreads.parallelChunks(count, minimumChunk: ComputeThreads.parameterChunk) { _, range in
                                Self.update(range, p: p, g: g, s: s, u: u, constants: (lr, rho, eps, decay))
                            }
                        }
                    }
                }
            }
        }
    }

    /// One step over `range`, eight lanes at a time with the same operations in the same order
    /// as the scalar tail, so the result does not depend on where a thread's range starts.
    private static func update(
        _ range: Range<Int>, p: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>,
        s: UnsafeMutablePointer<Float>, u: UnsafeMutablePointer<Float>,
        constants: (learningRate: Float, rho: Float, epsilon: Float, decay: Float)
    ) {
        typealias Vector = Kernels.Vector
        let (lr, rho, eps, decay) = constants
        var i = range.lowerBound
        let (r, fresh, e, d, l) = (Vector(repeating: rho), Vector(repeating: 1 - rho), Vector(repeating: eps), Vector(repeating: decay), Vector(repeating: lr))
        while i + 8 <= range.upperBound {
            let pv = Kernels.load(p + i)
            let gradient = Kernels.load(g + i) + d * pv
            let sv = r * Kernels.load(s + i) + fresh * gradient * gradient
            let uv = Kernels.load(u + i)
            let delta = Kernels.squareRoot(uv + e) / Kernels.squareRoot(sv + e) * gradient
            Kernels.store(sv, s + i)
            Kernels.store(r * uv + fresh * delta * delta, u + i)
            Kernels.store(pv - l * delta, p + i)
            i += 8
        }
        while i < range.upperBound {
            let gradient = g[i] + decay * p[i]
            s[i] = rho * s[i] + (1 - rho) * gradient * gradient
            let delta = (u[i] + eps).squareRoot() / (s[i] + eps).squareRoot() * gradient
            u[i] = rho * u[i] + (1 - rho) * delta * delta
            p[i] -= lr * delta
            i += 1
        }
    }

    public func restore(_ state: OptimizerState) throws {
        let buffers = try state.checked(against: self.state, parameters: parameters)
        learningRate = state.learningRate
        squareAverages = buffers["square_avg"]!
        updateAverages = buffers["acc_delta"]!
    }
}
