/// A mini-batch: features stacked along a new first dimension, and the samples' targets likewise.
public struct Batch: Sendable, Equatable {
    /// The samples' targets, stacked.
    public enum Targets: Sendable, Equatable {
        /// `[B]`: class labels.
        case labels(Tensor<Int32>)
        /// `[B, …]`: regression targets.
        case values(Tensor<Float>)

        /// The number of samples the targets are for.
        public var count: Int {
            switch self {
            case .labels(let labels): labels.count
            case .values(let values): values.shape.first ?? 0
            }
        }
    }

    /// `[B, …]`: the samples' features stacked in order.
    public var features: Tensor<Float>
    /// The samples' targets in the same order.
    public var targets: Targets

    public init(features: Tensor<Float>, targets: Targets) {
        require(
            features.shape.first == targets.count && (targets.labels?.rank ?? 1) == 1 && (targets.values?.rank ?? 1) >= 1,
            "Batch of \(targets.count) targets has features \(features.shape)")
        self.features = features
        self.targets = targets
    }

    /// A batch of `[B]` class labels.
    public init(features: Tensor<Float>, labels: Tensor<Int32>) {
        self.init(features: features, targets: .labels(labels))
    }

    /// The number of samples in the batch.
    public var count: Int { targets.count }

    /// The class labels; nil for regression targets.
    public var labels: Tensor<Int32>? { targets.labels }

    /// The regression targets; nil for class labels.
    public var values: Tensor<Float>? { targets.values }
}

extension Batch.Targets {
    /// The class labels; nil for regression targets.
    public var labels: Tensor<Int32>? {
        if case .labels(let labels) = self { labels } else { nil }
    }

    /// The regression targets; nil for class labels.
    public var values: Tensor<Float>? {
        if case .values(let values) = self { values } else { nil }
    }
}
