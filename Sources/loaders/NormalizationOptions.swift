import ArgumentParser
import Loaders

/// `--mean` and `--std`, shared by `bench` and `train`: features become (x - mean) / std on the
/// loader's workers, MNIST's 0.1307 and 0.3081 by default, as the PyTorch reference does.
struct NormalizationOptions: ParsableArguments {
    @Option(help: "Subtracted from every feature.")
    var mean: Float = 0.1307

    @Option(help: "Divides every feature after the mean is subtracted.")
    var std: Float = 0.3081

    func validate() throws {
        guard mean.isFinite else { throw ValidationError("--mean must be a finite number; got \(mean)") }
        guard std.isFinite, std > 0 else { throw ValidationError("--std must be a positive finite number; got \(std)") }
    }

    /// `dataset` with its features normalised.
    func apply<Source: Dataset<Example>>(to dataset: Source) -> NormalizedDataset<Source> {
        dataset.normalized(mean: mean, std: std)
    }
}
