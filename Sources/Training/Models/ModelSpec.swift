import Foundation
import Loaders

/// A network written as text, such as PyTorch's MNIST example:
///
/// ```text
/// conv(32,3) relu conv(64,3) relu maxpool(2) dropout(0.25) flatten linear(128) relu dropout(0.5) linear(10)
/// ```
///
/// Layers are separated by spaces; a layer is a name, optionally followed by arguments in
/// parentheses, positional first, then `name=value`. Sizes that follow from the input (channels,
/// features) are inferred, so only output sizes are written:
///
/// | Layer, with argument defaults | Makes |
/// |---|---|
/// | `conv(out, kernel, stride=1, pad=0)` | `Conv2d` |
/// | `linear(out)` | `Linear` |
/// | `maxpool(kernel, stride=kernel)` | `MaxPool2d` |
/// | `avgpool(kernel, stride=kernel, pad=0)` | `AvgPool2d` |
/// | `adaptiveavgpool(height, width=height)` | `AdaptiveAvgPool2d` |
/// | `batchnorm` | `BatchNorm2d` on images, `BatchNorm1d` otherwise |
/// | `dropout(p=0.5)` | `Dropout` |
/// | `relu`, `leakyrelu(slope=0.01)`, `sigmoid`, `tanh`, `flatten` | the layer of that name |
///
/// Parsing checks the text; `plan(input:)` then checks each layer against the shape it receives
/// and counts parameters before anything is allocated, and `makeModel(input:seed:)` builds it.
///
/// ```swift
/// let spec = try ModelSpec("conv(6,5,pad=2) relu maxpool(2) conv(16,5) relu maxpool(2) flatten linear(120) relu linear(84) relu linear(10)")
/// let model = try spec.makeModel(input: [1, 28, 28], seed: 0)   // LeNet-5, 61,706 parameters
/// ```
public struct ModelSpec: Sendable, CustomStringConvertible {
    /// One layer of a spec, with its arguments resolved.
    public enum Kind: Sendable, Equatable {
        case conv(outputs: Int, kernel: Int, stride: Int, padding: Int)
        case linear(outputs: Int)
        case maxPool(kernel: Int, stride: Int)
        case avgPool(kernel: Int, stride: Int, padding: Int)
        case adaptiveAvgPool(height: Int, width: Int)
        case batchNorm
        case dropout(probability: Float)
        case relu
        case leakyReLU(slope: Float)
        case sigmoid, tanh, flatten
    }

    /// A layer and where it was written.
    public struct Part: Sendable {
        public let kind: Kind
        /// The layer as written, e.g. `conv(32,3)`.
        public let text: String
        /// Its first character's 1-based position in the spec.
        public let position: Int
    }

    /// Each layer with the per-sample shape it produces and its parameter count.
    public struct Plan: Sendable {
        public let outputShapes: [[Int]]
        /// Per layer; `nil` past `Int.max`.
        public let parameterCounts: [Int?]
        /// The shape of one sample's output.
        public var outputShape: [Int] { outputShapes.last ?? [] }
        /// All the model's parameters; `nil` past `Int.max`.
        public var parameterCount: Int? { MemoryLimit.sum(parameterCounts) }
    }

    public let text: String
    public let parts: [Part]

    public var description: String { text }

    /// Parses `text`.
    /// - Throws: `ModelSpecError` naming the position and text of the first part that is wrong, and why.
    public init(_ text: String) throws(ModelSpecError) {
        self.text = text
        var parts: [Part] = []
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            if characters[index].isWhitespace { index += 1; continue }
            let start = index
            while index < characters.count, characters[index].isLetter || characters[index].isNumber { index += 1 }
            let name = String(characters[start..<index]).lowercased()
            var arguments: [String] = []
            if index < characters.count, characters[index] == "(" {
                guard let close = characters[index...].firstIndex(of: ")") else {
                    throw ModelSpecError(position: start + 1, text: String(characters[start...]), reason: "no closing parenthesis")
                }
                let inside = String(characters[(index + 1)..<close])
                arguments = inside.split(separator: ",", omittingEmptySubsequences: false)
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                if arguments == [""] { arguments = [] }
                index = close + 1
            }
            let written = String(characters[start..<max(index, start + 1)])
            guard index < characters.count ? characters[index].isWhitespace : true, !name.isEmpty else {
                let end = characters[index...].firstIndex { $0.isWhitespace } ?? characters.count
                throw ModelSpecError(position: start + 1, text: String(characters[start..<end]),
                                     reason: "expected a layer name of letters, then arguments in parentheses, then a space")
            }
            let kind = try Self.kind(name: name, arguments: arguments, text: written, position: start + 1)
            parts.append(Part(kind: kind, text: written, position: start + 1))
        }
        guard !parts.isEmpty else { throw ModelSpecError(position: 1, text: text, reason: "the spec has no layers") }
        self.parts = parts
    }

    /// Each layer's argument names, in positional order, and how many are required.
    static let signatures: [String: (names: [String], required: Int)] = [
        "conv": (["out", "kernel", "stride", "pad"], 2), "linear": (["out"], 1),
        "maxpool": (["kernel", "stride"], 1), "avgpool": (["kernel", "stride", "pad"], 1),
        "adaptiveavgpool": (["height", "width"], 1), "batchnorm": ([], 0), "dropout": (["p"], 0),
        "relu": ([], 0), "leakyrelu": (["slope"], 0), "sigmoid": ([], 0), "tanh": ([], 0), "flatten": ([], 0),
    ]

    private static func kind(name: String, arguments: [String], text: String, position: Int) throws(ModelSpecError) -> Kind {
        func fail(_ reason: String) -> ModelSpecError { ModelSpecError(position: position, text: text, reason: reason) }
        guard let signature = signatures[name] else {
            throw fail("unknown layer \"\(name)\"; the layers are \(signatures.keys.sorted().joined(separator: ", "))")
        }
        let takes = signature.names.isEmpty ? "\(name) takes no arguments" : "\(name) takes \(signature.names.joined(separator: ", "))"
        var values: [String: Double] = [:]
        for (offset, argument) in arguments.enumerated() {
            let pieces = argument.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let key: String
            if pieces.count == 2 {
                key = pieces[0].lowercased()
                guard signature.names.contains(key) else { throw fail("unknown argument \"\(key)\"; \(takes)") }
            } else {
                guard offset < signature.names.count else { throw fail("too many arguments; \(takes)") }
                key = signature.names[offset]
            }
            guard values[key] == nil else { throw fail("\(key) is given twice") }
            guard let value = Double(pieces.last!), value.isFinite else { throw fail("\(key) \"\(pieces.last!)\" is not a number") }
            values[key] = value
        }
        for required in signature.names.prefix(signature.required) where values[required] == nil {
            throw fail("\(required) is missing; \(takes)")
        }
        func size(_ key: String, default fallback: Int? = nil, minimum: Int = 1) throws(ModelSpecError) -> Int {
            guard let value = values[key] else { return fallback! }
            guard value == value.rounded(), value >= Double(minimum), value <= 0x1p53 else {
                throw fail("\(key) must be a whole number of at least \(minimum), got \(value)")
            }
            return Int(value)
        }
        switch name {
        case "conv":
            return .conv(outputs: try size("out"), kernel: try size("kernel"), stride: try size("stride", default: 1),
                         padding: try size("pad", default: 0, minimum: 0))
        case "linear": return .linear(outputs: try size("out"))
        case "maxpool":
            let kernel = try size("kernel")
            return .maxPool(kernel: kernel, stride: try size("stride", default: kernel))
        case "avgpool":
            let kernel = try size("kernel")
            let padding = try size("pad", default: 0, minimum: 0)
            guard padding <= kernel / 2 else { throw fail("pad must be at most half the kernel, got \(padding) for kernel \(kernel)") }
            return .avgPool(kernel: kernel, stride: try size("stride", default: kernel), padding: padding)
        case "adaptiveavgpool":
            let height = try size("height")
            return .adaptiveAvgPool(height: height, width: try size("width", default: height))
        case "batchnorm": return .batchNorm
        case "dropout":
            let p = values["p"] ?? 0.5
            guard p >= 0 && p < 1 else { throw fail("p must be in [0, 1), got \(p)") }
            return .dropout(probability: Float(p))
        case "relu": return .relu
        case "leakyrelu": return .leakyReLU(slope: Float(values["slope"] ?? 0.01))
        case "sigmoid": return .sigmoid
        case "tanh": return .tanh
        default: return .flatten
        }
    }

    /// Follows a sample of shape `input` (without the batch dimension) through the layers.
    /// - Throws: `ModelSpecError` naming the first layer that cannot take the shape it receives.
    /// - Complexity: O(layers); nothing is allocated.
    public func plan(input: [Int]) throws(ModelSpecError) -> Plan {
        var shape = input
        var (shapes, counts): ([[Int]], [Int?]) = ([], [])
        for part in parts {
            func fail(_ reason: String) -> ModelSpecError { ModelSpecError(position: part.position, text: part.text, reason: reason) }
            func image() throws(ModelSpecError) -> (channels: Int, height: Int, width: Int) {
                guard shape.count == 3 else { throw fail("needs [channels, height, width] samples, got \(shape)") }
                return (shape[0], shape[1], shape[2])
            }
            var parameters: Int? = 0
            switch part.kind {
            case .conv(let outputs, let kernel, let stride, let padding):
                let (channels, height, width) = try image()
                let (h, w) = (height + 2 * padding, width + 2 * padding)
                guard kernel <= h && kernel <= w else { throw fail("kernel \(kernel) is larger than its padded input \(h)×\(w)") }
                shape = [outputs, (h - kernel) / stride + 1, (w - kernel) / stride + 1]
                parameters = MemoryLimit.product([outputs, channels, kernel, kernel]).map { $0 + outputs }
            case .linear(let outputs):
                guard shape.count == 1 else { throw fail("needs flat samples, got \(shape); put flatten before it") }
                parameters = MemoryLimit.product([shape[0], outputs]).map { $0 + outputs }
                shape = [outputs]
            case .maxPool(let kernel, let stride):
                let (channels, height, width) = try image()
                guard kernel <= height && kernel <= width else { throw fail("window \(kernel) is larger than its input \(height)×\(width)") }
                shape = [channels, (height - kernel) / stride + 1, (width - kernel) / stride + 1]
            case .avgPool(let kernel, let stride, let padding):
                let (channels, height, width) = try image()
                let (h, w) = (height + 2 * padding, width + 2 * padding)
                guard kernel <= h && kernel <= w else { throw fail("window \(kernel) is larger than its padded input \(h)×\(w)") }
                shape = [channels, (h - kernel) / stride + 1, (w - kernel) / stride + 1]
            case .adaptiveAvgPool(let height, let width):
                shape = [try image().channels, height, width]
            case .batchNorm:
                guard (1...3).contains(shape.count) else { throw fail("needs [features], [features, length] or [channels, height, width] samples, got \(shape)") }
                parameters = 2 * shape[0]
            case .flatten:
                guard let count = MemoryLimit.product(shape) else { throw fail("\(shape) holds more than \(Int.max) values") }
                shape = [count]
            case .dropout, .relu, .leakyReLU, .sigmoid, .tanh:
                break
            }
            guard shape.allSatisfy({ $0 > 0 }), MemoryLimit.product(shape) != nil else {
                throw fail("gives samples of \(shape), which hold no values or too many")
            }
            shapes.append(shape)
            counts.append(parameters)
        }
        return Plan(outputShapes: shapes, parameterCounts: counts)
    }

    /// Whether the first layer that cares about shape takes images, so `[height, width]` samples
    /// need a channel dimension first.
    public var takesImages: Bool {
        for part in parts {
            switch part.kind {
            case .conv, .maxPool, .avgPool, .adaptiveAvgPool: return true
            case .linear, .flatten, .batchNorm: return false
            case .dropout, .relu, .leakyReLU, .sigmoid, .tanh: continue
            }
        }
        return false
    }

    /// Builds the network for samples of shape `input`, with PyTorch's default initialisation
    /// drawn in layer order from one generator seeded with `seed` (dropout masks from its draws too).
    /// - Throws: `ModelSpecError` as `plan(input:)` does.
    public func makeModel(input: [Int], seed: UInt64) throws(ModelSpecError) -> Sequential {
        let plan = try plan(input: input)
        var generator = SeededGenerator(seed: seed)
        var layers: [any Layer] = []
        for (index, part) in parts.enumerated() {
            let inputShape = index == 0 ? input : plan.outputShapes[index - 1]
            switch part.kind {
            case .conv(let outputs, let kernel, let stride, let padding):
                layers.append(Conv2d(inputChannels: inputShape[0], outputChannels: outputs, kernelSize: kernel,
                                     stride: stride, padding: padding, generator: &generator))
            case .linear(let outputs):
                layers.append(Linear(inputFeatures: inputShape[0], outputFeatures: outputs, generator: &generator))
            case .maxPool(let kernel, let stride): layers.append(MaxPool2d(kernelSize: kernel, stride: stride))
            case .avgPool(let kernel, let stride, let padding):
                layers.append(AvgPool2d(kernelSize: kernel, stride: stride, padding: padding))
            case .adaptiveAvgPool(let height, let width): layers.append(AdaptiveAvgPool2d(outputHeight: height, outputWidth: width))
            case .batchNorm:
                layers.append(inputShape.count == 3 ? BatchNorm2d(features: inputShape[0]) as any Layer : BatchNorm1d(features: inputShape[0]))
            case .dropout(let probability): layers.append(Dropout(probability: probability, seed: generator.next()))
            case .relu: layers.append(ReLU())
            case .leakyReLU(let slope): layers.append(LeakyReLU(negativeSlope: slope))
            case .sigmoid: layers.append(Sigmoid())
            case .tanh: layers.append(Tanh())
            case .flatten: layers.append(Flatten())
            }
        }
        return Sequential(layers)
    }
}

/// A model spec that cannot be parsed or does not fit its input: the part, where it starts, and why.
public struct ModelSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based character position where the part starts.
    public let position: Int
    /// The part as written.
    public let text: String
    public let reason: String

    public var description: String { "model spec: \"\(text)\" at character \(position): \(reason)" }
}
