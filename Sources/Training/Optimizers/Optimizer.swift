/// Updates parameters from their accumulated gradients.
public protocol Optimizer: AnyObject {
    /// The parameters this optimizer updates.
    var parameters: [Parameter] { get }

    /// The step size of the next update; a `LearningRateScheduler` changes it as training goes.
    var learningRate: Float { get set }

    /// Applies one update to every parameter from its current gradient.
    func step()

    /// The optimizer's own state, for a checkpoint: with the parameters, what its next steps
    /// depend on.
    var state: OptimizerState { get }

    /// Takes up `state`, saved from an optimizer of the same kind and settings over parameters of
    /// the same shapes, so that the next steps are those the saved optimizer would have taken.
    /// - Throws: `LoaderError(.mismatch)` saying what differs (the kind, a setting, a buffer's
    ///   size); the optimizer is unchanged when it throws.
    func restore(_ state: OptimizerState) throws
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
