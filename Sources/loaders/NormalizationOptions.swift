import ArgumentParser
import Loaders

/// `--mean` and `--std`, shared by `bench` and `train`: features are normalised as
/// `(x − mean) / std` on the loader's workers. Images default to MNIST's statistics, as the PyTorch
/// reference does; flat features (a CSV's columns) are left alone unless asked (or `--standardize`d).
struct NormalizationOptions: ParsableArguments {
    @Option(help: "Subtracted from every feature (default: MNIST's 0.1307 for images, 0 for flat features).")
    var mean: Float?

    @Option(help: "Divides every feature after the mean is subtracted (default: MNIST's 0.3081 for images, 1 for flat features).")
    var std: Float?

    func validate() throws {
        if let mean, !mean.isFinite { throw ValidationError("--mean must be a finite number; got \(mean)") }
        if let std, !(std.isFinite && std > 0) { throw ValidationError("--std must be a positive finite number; got \(std)") }
    }

    /// Whether either was given.
    var isGiven: Bool { mean != nil || std != nil }

    /// The normalisation for samples of `sampleShape` (images are `[C, H, W]` or `[H, W]`), nil
    /// when it changes nothing.
    func statistics(sampleShape: [Int]) -> FeatureStatistics? {
        let isImage = sampleShape.count >= 2
        let (mean, std) = (self.mean ?? (isImage ? 0.1307 : 0), self.std ?? (isImage ? 0.3081 : 1))
        return mean == 0 && std == 1 ? nil : FeatureStatistics(mean: [mean], std: [std])
    }

    /// `dataset`, samples of `sampleShape`, with its features normalised.
    func apply<Source: Dataset<Example>>(to dataset: Source, sampleShape: [Int]) -> NormalizedDataset<Source> {
        dataset.normalized(by: statistics(sampleShape: sampleShape) ?? FeatureStatistics(mean: [0], std: [1]))
    }
}
