/// Updates parameters from their accumulated gradients.
public protocol Optimizer: AnyObject {
    /// The parameters this optimizer updates.
    var parameters: [Parameter] { get }

    /// Applies one update to every parameter from its current gradient.
    func step()
}

extension Optimizer {
    /// Zeroes every parameter's gradient, before the next backward pass accumulates into it.
    public func zeroGradients() {
        for parameter in parameters { parameter.zeroGradient() }
    }
}
