/// A dataset of examples whose features are standardised: `(x - mean) / std`, per channel.
///
/// Made by `Dataset.normalized(mean:std:)`. With one mean and one std every feature shares them;
/// with `c` of each, the features' first dimension must be `c` (channels, as in torchvision's
/// `Normalize`), and channel `k` uses `mean[k]` and `std[k]`.
public struct NormalizedDataset<Base: Dataset>: Dataset where Base.Element == Example {
    public let base: Base
    public let mean: [Float]
    public let std: [Float]

    /// - Precondition: `mean` and `std` have the same, non-zero count; every `std` is positive.
    public init(_ base: Base, mean: [Float], std: [Float]) {
        require(!mean.isEmpty && mean.count == std.count, "normalized needs as many means as stds, got \(mean.count) and \(std.count)")
        require(std.allSatisfy { $0 > 0 }, "normalized needs positive standard deviations, got \(std)")
        self.base = base
        self.mean = mean
        self.std = std
    }

    public var origin: String? { base.origin }
    public var count: Int { base.count }

    /// - Throws: the base dataset's error, or `LoaderError` `.mismatch` when the sample's channel
    ///   count differs from `mean.count`.
    public func sample(at index: Int) throws -> Example {
        var example = try base.sample(at: index)
        try normalize(&example, index: index)
        return example
    }

    public func samples(at indices: [Int]) throws -> [Example] {
        try samples(at: indices, epoch: 1)
    }

    public func samples(at indices: [Int], epoch: Int) throws -> [Example] {
        var examples = try base.samples(at: indices, epoch: epoch)
        for position in examples.indices {
            try normalize(&examples[position], index: indices[position])
        }
        return examples
    }

    /// Normalises in place: the features' storage is uniquely owned here, so no sample is copied.
    private func normalize(_ example: inout Example, index: Int) throws {
        let channels = mean.count
        let shape = example.features.shape
        if channels > 1 && shape.first != channels {
            throw LoaderError(
                .mismatch, "features \(shape) do not have \(channels) channels to normalise",
                location: .sampleIndex(index))
        }
        let perChannel = channels == 1 ? example.features.count : example.features.count / channels
        example.features.scalars.withUnsafeMutableBufferPointer { scalars in
            for channel in 0..<channels {
                let offset = mean[channel], scale = 1 / std[channel]
                for i in (channel * perChannel)..<((channel + 1) * perChannel) {
                    scalars[i] = (scalars[i] - offset) * scale
                }
            }
        }
    }
}
