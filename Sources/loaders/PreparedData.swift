import Loaders

/// Data prepared for a model: the splits, the samples' shape as the model takes them, and the
/// normalisation every split gets.
struct PreparedData {
    /// A set of samples with what it is for and where it came from.
    struct Split {
        var role: String
        var data: AnyDataset<Example>
        var path: String
    }

    var train: AnyDataset<Example>
    /// What each epoch is measured on: the test set, or a validation split of the training data.
    var heldOut: Split?
    /// The test set, measured once after training when the epochs measure a validation split.
    var finalTest: Split?
    var sampleShape: [Int]
    var modelName: String
    var normalization: FeatureStatistics?

    /// `dataset` normalised as the model's inputs are.
    func normalized(_ dataset: AnyDataset<Example>) -> AnyDataset<Example> {
        Self.normalized(dataset, by: normalization)
    }

    /// `dataset` normalised by `statistics`; without any, as it is (no pass over every sample).
    static func normalized(_ dataset: AnyDataset<Example>, by statistics: FeatureStatistics?) -> AnyDataset<Example> {
        statistics.map { AnyDataset(dataset.normalized(by: $0)) } ?? dataset
    }

    /// `dataset` augmented on the loader's workers by the `--augment` spec, its random choices
    /// drawn from (seed, epoch, index); as it is without a spec.
    /// - Throws: `AugmentationSpecError` naming the part of the spec that is wrong.
    static func augmented(_ dataset: AnyDataset<Example>, bySpec spec: String?, seed: UInt64) throws -> AnyDataset<Example> {
        guard let spec else { return dataset }
        return AnyDataset(dataset.augmented(by: try Augmentation(spec: spec), seed: seed))
    }

    /// Single-channel images `[H, W]` as `[1, H, W]`, as Conv2d takes them.
    static func addingChannel(to dataset: AnyDataset<Example>) -> AnyDataset<Example> {
        AnyDataset(dataset.map { Example(features: $0.features.reshaped(to: [1] + $0.features.shape), target: $0.target) })
    }
}
