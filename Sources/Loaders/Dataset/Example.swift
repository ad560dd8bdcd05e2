/// One sample: a feature tensor and the target a model learns to predict from it.
///
/// ```swift
/// let digit = Example(features: image, label: 7)                       // classification
/// let point = Example(features: Tensor(shape: [1], scalars: [x]), target: .value(y))   // regression
/// ```
public struct Example: Sendable, Equatable {
    /// What a sample is trained to predict: a class, or real values.
    public enum Target: Sendable, Equatable {
        /// A class index, for classification.
        case label(Int)
        /// Real values, for regression: shape `[1]` for one value, `[k]` for k outputs, any shape
        /// for structured outputs.
        case values(Tensor<Float>)

        /// One real value, as shape `[1]`: the target of a one-output regression.
        public static func value(_ value: Float) -> Target {
            .values(Tensor(shape: [1], scalars: [value]))
        }
    }

    /// The sample's features, e.g. `[1, 28, 28]` for an MNIST image.
    public var features: Tensor<Float>
    public var target: Target

    public init(features: Tensor<Float>, target: Target) {
        self.features = features
        self.target = target
    }

    /// A sample labelled with class `label`.
    public init(features: Tensor<Float>, label: Int) {
        self.init(features: features, target: .label(label))
    }

    /// The class label; nil for a regression target.
    public var label: Int? {
        if case .label(let label) = target { label } else { nil }
    }

    /// The regression target; nil for a class label.
    public var values: Tensor<Float>? {
        if case .values(let values) = target { values } else { nil }
    }
}
