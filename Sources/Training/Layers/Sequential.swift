import Loaders

/// Layers applied in order, like PyTorch's `nn.Sequential`.
///
/// A layer that can do the next layer's work in the same pass over its output (`FusingLayer`:
/// a `Conv2d` its `ReLU` and `MaxPool2d`, a `Linear` its `ReLU`) takes it over; a
/// `GradientConsumer` reads the input gradient of a `GradientProducer` after it, across reshapes,
/// a few samples at a time (`Conv2d → Flatten → Linear`); and the first layer skips its input
/// gradient, which nothing would read.
/// Parameters and buffers are named `"<index>.weight"`, `"<index>.running_mean"` and so on, as
/// in a PyTorch `state_dict`.
///
/// ```swift
/// let model = Sequential([
///     Conv2d(inputChannels: 1, outputChannels: 32, kernelSize: 3, seed: 1), ReLU(), Flatten(),
///     Linear(inputFeatures: 32 * 26 * 26, outputFeatures: 10, seed: 2),
/// ])
/// let logits = model.forward(batch.features)
/// ```
public final class Sequential: Layer {
    /// The layers in order.
    public let layers: [any Layer]
    /// The layers that actually run: each layer fused into the one before is left out.
    private let plan: [any Layer]
    /// A `GradientConsumer` reading a later `GradientProducer`'s input gradient a few samples at
    /// a time, across the reshapes between them (`Conv2d → Flatten → Linear`).
    private struct HandOff {
        let consumer: any GradientConsumer
        let consumerPosition: Int
        let producer: any GradientProducer
    }
    /// The hand-offs, by their producer's position in `plan`.
    private let handOffs: [Int: HandOff]

    public var isTraining = true {
        didSet { for layer in layers { layer.isTraining = isTraining } }
    }

    public var computesInputGradient: Bool {
        get { plan.first?.computesInputGradient ?? true }
        set { plan.first?.computesInputGradient = newValue }
    }

    /// - Parameter layers: the layers, applied first to last.
    public init(_ layers: [any Layer]) {
        self.layers = layers
        var plan: [any Layer] = []
        var index = 0
        while index < layers.count {
            let layer = layers[index]
            index += 1
            if let fusing = layer as? any FusingLayer {
                while index < layers.count, fusing.absorb(layers[index]) { index += 1 }
            }
            plan.append(layer)
        }
        self.plan = plan
        plan.first?.computesInputGradient = false
        var handOffs: [Int: HandOff] = [:]
        for (position, layer) in plan.enumerated() {
            guard let consumer = layer as? any GradientConsumer else { continue }
            var next = position + 1
            while next < plan.count, plan[next] is any ReshapingLayer { next += 1 }
            guard next < plan.count, let producer = plan[next] as? any GradientProducer else { continue }
            producer.computesInputGradient = false
            handOffs[next] = HandOff(consumer: consumer, consumerPosition: position, producer: producer)
        }
        self.handOffs = handOffs
        for (position, layer) in layers.enumerated() {
            for parameter in layer.parameters + layer.buffers {
                parameter.name = "\(position).\(parameter.name)"
            }
        }
    }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    public var buffers: [Parameter] { layers.flatMap(\.buffers) }

    /// Every layer's generators, first layer first.
    public var generators: [GeneratorState] {
        get { layers.flatMap(\.generators) }
        set {
            let counts = layers.map(\.generators.count)
            require(newValue.count == counts.reduce(0, +), "the model has \(counts.reduce(0, +)) random generators, and was given \(newValue.count)")
            var start = 0
            for (layer, count) in zip(layers, counts) {
                layer.generators = Array(newValue[start..<(start + count)])
                start += count
            }
        }
    }

    public func forward(_ input: Tensor<Float>) -> Tensor<Float> {
        var x = input
        for layer in plan { x = layer.forward(x) }
        return x
    }

    public func backward(_ outputGradient: Tensor<Float>) -> Tensor<Float> {
        var gradient = outputGradient
        var position = plan.count - 1
        while position >= 0 {
            if let handOff = handOffs[position] {
                let producer = handOff.producer
                _ = producer.backward(gradient)
                gradient = handOff.consumer.backward(from: .produced { rows, target in producer.writeInputGradient(rows: rows, into: target) })
                position = handOff.consumerPosition - 1
            } else {
                gradient = plan[position].backward(gradient)
                position -= 1
            }
        }
        return gradient
    }
}
