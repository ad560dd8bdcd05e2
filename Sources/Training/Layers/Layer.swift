import Loaders

/// A differentiable step of a model: a forward pass and the matching backward pass.
///
/// A layer remembers what its backward pass needs from the latest forward pass in training mode,
/// and reuses its output and gradient buffers from batch to batch, so a training step allocates
/// nothing once shapes are settled. A returned tensor stays valid until the layer's next call.
///
/// ```swift
/// let layer = Linear(inputFeatures: 4, outputFeatures: 2, seed: 1)
/// let y = layer.forward(Tensor(shape: [3, 4], repeating: 1))        // [3, 2]
/// let dx = layer.backward(Tensor(shape: [3, 2], repeating: 1))     // [3, 4]; weight.gradient filled
/// ```
public protocol Layer: AnyObject {
    /// The trainable parameters, in a fixed order (empty for layers without any).
    var parameters: [Parameter] { get }

    /// State that is learnt but not trained, such as batch normalisation's running statistics
    /// (PyTorch's buffers). Optimizers never see it; a model file saves it after the parameters.
    var buffers: [Parameter] { get }

    /// The layer's random generators, in a fixed order (dropout's mask generator): state that
    /// changes as training goes, which a checkpoint saves with the parameters and buffers so that
    /// training resumes with the draws it would have made. Empty for layers without randomness.
    var generators: [GeneratorState] { get set }

    /// Training mode (the default) or evaluation mode (dropout off, nothing kept for backward).
    var isTraining: Bool { get set }

    /// Whether `backward` computes the gradient with respect to the input. A model's first layer
    /// turns this off, since nothing consumes it; `backward` then returns an empty tensor.
    var computesInputGradient: Bool { get set }

    /// Computes the layer's output for `input`.
    /// - Complexity: the layer's arithmetic; no allocation once the batch shape is unchanged.
    func forward(_ input: Tensor<Float>) -> Tensor<Float>

    /// Given the loss gradient with respect to the latest training-mode output, adds the
    /// parameter gradients into `Parameter.gradient` and returns the gradient with respect to
    /// the input.
    /// - Precondition: `forward` ran in training mode since the previous `backward`.
    func backward(_ outputGradient: Tensor<Float>) -> Tensor<Float>
}

extension Layer {
    /// No buffers, the case for most layers.
    public var buffers: [Parameter] { [] }

    /// No random generators, the case for most layers.
    public var generators: [GeneratorState] {
        get { [] }
        set { require(newValue.isEmpty, "\(type(of: self)) has no random generators, and was given \(newValue.count)") }
    }

    /// Everything a model file holds: the parameters, then the buffers (as a PyTorch `state_dict`).
    public var state: [Parameter] { parameters + buffers }

    /// Zeroes every parameter's gradient.
    public func zeroGradients() {
        for parameter in parameters { parameter.zeroGradient() }
    }

    /// The total number of trainable scalars.
    public var parameterCount: Int {
        parameters.reduce(0) { $0 + $1.value.count }
    }
}
