/// Each channel's mean and standard deviation over a dataset: what `--standardize` fits on the
/// training set and applies to every split, as scikit-learn's `StandardScaler` does.
///
/// A channel is an entry of the features' first dimension, as for `normalized(mean:std:)`: a
/// column of tabular features `[k]`, a colour channel of images `[C, H, W]`.
///
/// ```swift
/// let statistics = try train.featureStatistics()      // fitted on the training set only
/// let (x, y) = (train.normalized(by: statistics), test.normalized(by: statistics))
/// ```
public struct FeatureStatistics: Sendable, Equatable, Codable {
    public var mean: [Float]
    /// The population standard deviation (divided by the count); 1 for a channel that does not
    /// vary, which standardising then maps to 0 instead of dividing by 0.
    public var std: [Float]

    public init(mean: [Float], std: [Float]) {
        self.mean = mean
        self.std = std
    }
}

extension Dataset where Element == Example {
    /// Fits `FeatureStatistics` in one pass, summing in `Double` from each channel's first value
    /// so that large, nearly equal values do not cancel.
    ///
    /// - Throws: reading errors; `LoaderError` `.emptyFile` for a dataset without samples;
    ///   `.mismatch` naming the first sample whose features' shape differs from sample 0's;
    ///   `.unsupported` for a channel holding an infinity or NaN.
    /// - Complexity: O(total feature count), reading 4,096 samples at a time.
    public func featureStatistics() throws -> FeatureStatistics {
        guard count > 0 else { throw LoaderError(.emptyFile, "no samples to fit feature statistics on", path: origin) }
        let shape = try sample(at: 0).features.shape
        let channels = shape.first ?? 1
        let perChannel = shape.isEmpty ? 1 : Tensor<Float>.elementCount(of: shape) / max(channels, 1)
        var shift = [Double](repeating: 0, count: channels)
        var (sum, squares) = (shift, shift)
        for start in stride(from: 0, to: count, by: 4096) {
            let indices = Array(start..<min(start + 4096, count))
            for (index, example) in zip(indices, try samples(at: indices)) {
                guard example.features.shape == shape else {
                    throw LoaderError(.mismatch, "features of shape \(example.features.shape), where sample 0 has \(shape)",
                                      path: origin, location: .sampleIndex(index))
                }
                if index == 0 { shift = (0..<channels).map { Double(example.features.scalars[$0 * perChannel]) } }
                for channel in 0..<channels {
                    for value in example.features.scalars[(channel * perChannel)..<((channel + 1) * perChannel)] {
                        let centred = Double(value) - shift[channel]
                        sum[channel] += centred
                        squares[channel] += centred * centred
                    }
                }
            }
        }
        let n = Double(count * perChannel)
        let mean = (0..<channels).map { Float(shift[$0] + sum[$0] / n) }
        let std = (0..<channels).map { channel in
            let deviation = Float(max(0, squares[channel] / n - (sum[channel] / n) * (sum[channel] / n)).squareRoot())
            return deviation > 0 || deviation.isNaN ? deviation : 1
        }
        if let channel = (0..<channels).first(where: { !mean[$0].isFinite || !std[$0].isFinite }) {
            throw LoaderError(.unsupported, "channel \(channel) of the features holds an infinity or NaN; it has no mean to standardise with",
                              path: origin)
        }
        return FeatureStatistics(mean: mean, std: std)
    }

    /// This dataset standardised with `statistics`, fitted on this or another dataset.
    /// - Precondition: every standard deviation is positive (as `featureStatistics` makes them).
    public func normalized(by statistics: FeatureStatistics) -> NormalizedDataset<Self> {
        normalized(mean: statistics.mean, std: statistics.std)
    }
}
