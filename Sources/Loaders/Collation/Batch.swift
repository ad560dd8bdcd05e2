/// A mini-batch: features stacked along a new first dimension, and one label per sample.
public struct Batch: Sendable, Equatable {
    /// `[B, …]`: the samples' features stacked in order.
    public var features: Tensor<Float>
    /// `[B]`: the samples' labels in the same order.
    public var labels: Tensor<Int32>

    public init(features: Tensor<Float>, labels: Tensor<Int32>) {
        require(features.shape.first == labels.count, "Batch of \(labels.count) labels has features \(features.shape)")
        self.features = features
        self.labels = labels
    }

    /// The number of samples in the batch.
    public var count: Int { labels.count }
}
