/// Updates parameters from their accumulated gradients.
public protocol Optimizer: AnyObject {
    /// The parameters this optimizer updates.
    var parameters: [Parameter] { get }

    /// The step size of the next update; a `LearningRateScheduler` changes it as training goes.
    var learningRate: Float { get set }

    /// Applies one update to every parameter from its current gradient.
    func step()
}

/// An optimizer with a momentum that a schedule may vary, as PyTorch's `OneCycleLR` does:
/// SGD's and RMSprop's `momentum`, Adam's first beta.
public protocol MomentumOptimizer: Optimizer {
    var momentumFactor: Float { get set }
}

extension Optimizer {
    /// Zeroes every parameter's gradient, before the next backward pass accumulates into it.
    public func zeroGradients() {
        for parameter in parameters { parameter.zeroGradient() }
    }
}
