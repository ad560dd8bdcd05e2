import Foundation
import Loaders

/// Adam, following PyTorch's `torch.optim.Adam` update exactly (and `torch.optim.AdamW` when
/// `decoupledWeightDecay` is set):
///
/// ```text
/// g = g + weightDecay · p            (Adam)    |  p = p · (1 − lr · weightDecay)   (AdamW)
/// m = β1 · m + (1 − β1) · g
/// v = β2 · v + (1 − β2) · g²
/// p = p − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + ε)
/// ```
///
/// The update of a large parameter is split across `ComputeThreads`.
///
/// ```swift
/// let optimizer = Adam(model.parameters, learningRate: 0.001)
/// ```
public final class Adam: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    /// Variable so that a schedule such as `OneCycleLR` can cycle the first.
    public var betas: (Float, Float)
    public let epsilon: Float
    public let weightDecay: Float
    /// Whether weight decay shrinks the parameters directly (AdamW) instead of joining the gradient.
    public let decoupledWeightDecay: Bool
    fileprivate var firstMoments: [[Float]]
    fileprivate var secondMoments: [[Float]]
    fileprivate var steps = 0

    /// - Precondition: `0 <= β < 1`, `learningRate`, `epsilon` and `weightDecay` non-negative.
    public init(
        _ parameters: [Parameter], learningRate: Float = 0.001, betas: (Float, Float) = (0.9, 0.999),
        epsilon: Float = 1e-8, weightDecay: Float = 0, decoupledWeightDecay: Bool = false
    ) {
        require(betas.0 >= 0 && betas.0 < 1 && betas.1 >= 0 && betas.1 < 1, "Adam betas must be in [0, 1)")
        require(learningRate >= 0 && epsilon >= 0 && weightDecay >= 0, "Adam rates must be non-negative")
        self.parameters = parameters
        self.learningRate = learningRate
        self.betas = betas
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        firstMoments = parameters.map { [Float](repeating: 0, count: $0.value.count) }
        secondMoments = firstMoments
    }

    /// AdamW: Adam with decoupled weight decay, PyTorch's `torch.optim.AdamW` (weight decay 0.01).
    public static func adamW(
        _ parameters: [Parameter], learningRate: Float = 0.001, betas: (Float, Float) = (0.9, 0.999),
        epsilon: Float = 1e-8, weightDecay: Float = 0.01
    ) -> Adam {
        Adam(parameters, learningRate: learningRate, betas: betas, epsilon: epsilon,
             weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    public func step() {
        steps += 1
        let (beta1, beta2, eps, lr) = (betas.0, betas.1, epsilon, learningRate)
        // PyTorch computes the bias corrections in double precision, then uses them as floats.
        let correction1 = 1 - pow(Double(beta1), Double(steps))
        let correction2Root = Float((1 - pow(Double(beta2), Double(steps))).squareRoot())
        let stepSize = Float(Double(lr) / correction1)
        let coupledDecay = decoupledWeightDecay ? 0 : weightDecay
        let shrink = decoupledWeightDecay ? 1 - lr * weightDecay : 1
        for (index, parameter) in parameters.enumerated() {
            parameter.gradient.scalars.withUnsafeBufferPointer { g in
                parameter.value.scalars.withUnsafeMutableBufferPointer { p in
                    firstMoments[index].withUnsafeMutableBufferPointer { m in
                        secondMoments[index].withUnsafeMutableBufferPointer { v in
                            ComputeThreads.parallelChunks(p.count, minimumChunk: ComputeThreads.parameterChunk) { _, range in
                                Self.update(
                                    range, p: p.baseAddress!, g: g.baseAddress!, m: m.baseAddress!, v: v.baseAddress!,
                                    constants: (beta1, beta2, eps, stepSize, correction2Root, coupledDecay, shrink))
                            }
                        }
                    }
                }
            }
        }
    }

    /// The element-wise Adam update over `range`, eight elements at a time.
    private static func update(
        _ range: Range<Int>, p: UnsafeMutablePointer<Float>, g: UnsafePointer<Float>,
        m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>,
        constants: (beta1: Float, beta2: Float, epsilon: Float, stepSize: Float, correction2Root: Float, decay: Float, shrink: Float)
    ) {
        typealias Vector = Kernels.Vector
        let (beta1, beta2, eps, stepSize, root, decay, shrink) = constants
        @inline(__always) func lane(_ i: Int) {
            let gradient = g[i] + decay * p[i]
            m[i] += (gradient - m[i]) * (1 - beta1)
            v[i] = beta2 * v[i] + (1 - beta2) * gradient * gradient
            p[i] = p[i] * shrink - stepSize * (m[i] / (v[i].squareRoot() / root + eps))
        }
        var i = range.lowerBound
        let oneMinusBeta1 = Vector(repeating: 1 - beta1), oneMinusBeta2 = Vector(repeating: 1 - beta2)
        let b2 = Vector(repeating: beta2), e = Vector(repeating: eps), s = Vector(repeating: stepSize)
        // Multiplying by 1/√(1 − β2ᵗ) instead of dividing saves a division per element; the
        // result stays within an ulp of PyTorch's.
        let r = Vector(repeating: 1 / root), d = Vector(repeating: decay), k = Vector(repeating: shrink)
        while i + 8 <= range.upperBound {
            let pv = Kernels.load(p + i)
            let gradient = Kernels.load(g + i) + d * pv
            var mv = Kernels.load(m + i)
            mv += (gradient - mv) * oneMinusBeta1
            let vv = b2 * Kernels.load(v + i) + oneMinusBeta2 * gradient * gradient
            Kernels.store(mv, m + i)
            Kernels.store(vv, v + i)
            Kernels.store(pv * k - s * (mv / (Kernels.squareRoot(vv) * r + e)), p + i)
            i += 8
        }
        while i < range.upperBound { lane(i); i += 1 }
    }
}

extension Adam {
    public var state: OptimizerState {
        OptimizerState(
            kind: "Adam", steps: steps, learningRate: learningRate, momentum: betas.0,
            settings: ["beta2": betas.1, "epsilon": epsilon, "weight_decay": weightDecay, "decoupled_weight_decay": decoupledWeightDecay ? 1 : 0],
            buffers: [.init(name: "exp_avg", values: firstMoments), .init(name: "exp_avg_sq", values: secondMoments)])
    }

    public func restore(_ state: OptimizerState) throws {
        let buffers = try state.checked(against: self.state, parameters: parameters)
        learningRate = state.learningRate
        betas.0 = state.momentum!
        steps = state.steps
        firstMoments = buffers["exp_avg"]!
        secondMoments = buffers["exp_avg_sq"]!
    }
}

extension Adam: MomentumOptimizer {
    /// The first beta, as PyTorch's schedulers treat it.
    public var momentumFactor: Float {
        get { betas.0 }
        set { betas.0 = newValue }
    }
}
