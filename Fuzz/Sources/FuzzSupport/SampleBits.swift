import Loaders

/// A sample compared bit for bit, so that NaN equals the same NaN and -0 differs from 0.
public struct SampleBits: Equatable, CustomStringConvertible {
    public var shape: [Int]
    public var features: [UInt32]
    public var label: Int

    public init(_ example: Example) {
        shape = example.features.shape
        features = example.features.scalars.map(\.bitPattern)
        label = example.label
    }

    /// Every sample of `dataset`'s shard `shard`, in order.
    public static func all<Data: StreamingDataset>(in dataset: Data, shard: Int) throws -> [SampleBits] where Data.Element == Example {
        var stream = try dataset.stream(shard: shard)
        var samples: [SampleBits] = []
        while let sample = try stream.next() { samples.append(SampleBits(sample)) }
        return samples
    }

    public var description: String {
        "\(shape) \(features.map { Float(bitPattern: $0) }) label \(label)"
    }
}
