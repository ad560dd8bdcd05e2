import Loaders

/// A sample compared bit for bit, so that NaN equals the same NaN and -0 differs from 0.
public struct SampleBits: Equatable, CustomStringConvertible {
    public var shape: [Int]
    public var features: [UInt32]
    /// The class label; nil for a real-valued target.
    public var label: Int?
    /// A real-valued target's shape and bit patterns; empty for a class label.
    public var targetShape: [Int]
    public var targetValues: [UInt32]

    public init(_ example: Example) {
        shape = example.features.shape
        features = example.features.scalars.map(\.bitPattern)
        label = example.label
        targetShape = example.values?.shape ?? []
        targetValues = example.values?.scalars.map(\.bitPattern) ?? []
    }

    /// Every sample of `dataset`'s shard `shard`, in order.
    public static func all<Data: StreamingDataset>(in dataset: Data, shard: Int) throws -> [SampleBits] where Data.Element == Example {
        var stream = try dataset.stream(shard: shard)
        var samples: [SampleBits] = []
        while let sample = try stream.next() { samples.append(SampleBits(sample)) }
        return samples
    }

    public var description: String {
        let target = label.map { "label \($0)" } ?? "target \(targetShape) \(targetValues.map { Float(bitPattern: $0) })"
        return "\(shape) \(features.map { Float(bitPattern: $0) }) \(target)"
    }
}
