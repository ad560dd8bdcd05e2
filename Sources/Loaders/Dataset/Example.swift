/// One labelled sample: a feature tensor and an integer class label (or target index).
public struct Example: Sendable, Equatable {
    /// The sample's features, e.g. `[1, 28, 28]` for an MNIST image.
    public var features: Tensor<Float>
    /// The class label.
    public var label: Int

    public init(features: Tensor<Float>, label: Int) {
        self.features = features
        self.label = label
    }
}
