import Loaders

/// Everything an optimizer's next steps depend on besides the parameters: its step count, the
/// rates a schedule may have changed, and every per-parameter buffer (momentum, moments, running
/// averages), as PyTorch's `optimizer.state_dict()` holds them.
///
/// `Optimizer.restore(_:)` checks that the state is of the same kind of optimizer, with the same
/// fixed settings and buffers the size of its parameters, before it changes anything.
public struct OptimizerState: Sendable, Equatable {
    /// One named buffer: an array per parameter, in the optimizer's parameter order, or none
    /// before the first step that creates it (SGD's and RMSprop's momentum).
    public struct Buffer: Sendable, Equatable {
        public var name: String
        public var values: [[Float]]

        public init(name: String, values: [[Float]]) {
            self.name = name
            self.values = values
        }
    }

    /// The optimizer's type name, e.g. `"Adam"`.
    public var kind: String
    /// Updates applied so far, for optimizers whose update depends on it (Adam's bias
    /// corrections); 0 for the others.
    public var steps: Int
    public var learningRate: Float
    /// The momentum a schedule may vary (`MomentumOptimizer.momentumFactor`); nil for optimizers without.
    public var momentum: Float?
    /// The settings fixed at creation (epsilon, weight decay, β2…), which must agree for the
    /// restored optimizer to step as the saved one would have.
    public var settings: [String: Float]
    public var buffers: [Buffer]

    public init(kind: String, steps: Int, learningRate: Float, momentum: Float?, settings: [String: Float], buffers: [Buffer]) {
        self.kind = kind
        self.steps = steps
        self.learningRate = learningRate
        self.momentum = momentum
        self.settings = settings
        self.buffers = buffers
    }

    /// Checks that this state can be restored into `optimizer`, whose own state is `current`,
    /// and returns the buffers by name.
    /// - Parameter optional: the buffers that may be absent (created on the first step that uses them).
    /// - Throws: `LoaderError(.mismatch)` saying what differs.
    func checked(against current: OptimizerState, parameters: [Parameter], optional: Set<String> = []) throws -> [String: [[Float]]] {
        guard kind == current.kind else {
            throw LoaderError(.mismatch, "optimizer state holds \(kind), the optimizer is \(current.kind)")
        }
        for name in Set(settings.keys).union(current.settings.keys).sorted() where settings[name] != current.settings[name] {
            let saved = settings[name].map { "\($0)" } ?? "none"
            let own = current.settings[name].map { "\($0)" } ?? "none"
            throw LoaderError(.mismatch, "optimizer state has \(kind) \(name) \(saved), the optimizer \(own)")
        }
        guard (momentum == nil) == (current.momentum == nil) else {
            throw LoaderError(.mismatch, "optimizer state of \(kind) has \(momentum == nil ? "no momentum" : "a momentum"), the optimizer \(current.momentum == nil ? "none" : "one")")
        }
        guard steps >= 0 else {
            throw LoaderError(.mismatch, "optimizer state of \(kind) has \(steps) steps")
        }
        let names = buffers.map(\.name)
        guard names == current.buffers.map(\.name) else {
            throw LoaderError(.mismatch, "optimizer state holds the buffers \(names) of \(kind), the optimizer \(current.buffers.map(\.name))")
        }
        var byName: [String: [[Float]]] = [:]
        for buffer in buffers {
            guard buffer.values.count == parameters.count || (buffer.values.isEmpty && optional.contains(buffer.name)) else {
                throw LoaderError(.mismatch, "optimizer state holds '\(buffer.name)' for \(buffer.values.count) parameters, the optimizer has \(parameters.count)")
            }
            for (index, (values, parameter)) in zip(buffer.values, parameters).enumerated() where values.count != parameter.value.count {
                throw LoaderError(.mismatch, "buffer '\(buffer.name)' \(index) of '\(parameter.name)' holds \(values.count) values, the parameter \(parameter.value.count)")
            }
            byName[buffer.name] = buffer.values
        }
        return byName
    }
}
