/// A streaming dataset whose images pass through a random `ImageTransform` as they are read: the
/// streaming counterpart of `AugmentedDataset`. (Made by its initialiser: the readers that both
/// stream and read by index would find a `StreamingDataset.augmented(by:seed:)` ambiguous.)
///
/// A streamed sample has no index in the whole dataset, so its draws are a pure function of
/// (seed, epoch, shard, position in the shard as stored): the same for any worker count, prefetch,
/// shuffle buffer or resume, and different from epoch to epoch. The transform runs as a sample is
/// read, before the shuffle buffer, on the worker reading the shard; a resumed shard is read again
/// from its start, so its delivered samples are transformed again, then skipped.
///
/// ```swift
/// let stream = AugmentedStreamingDataset(try MNIST(directory: "Fixtures/mnist", split: .train),
///                                        transform: RandomAffine(degrees: -10...10), seed: 7)
/// let loader = StreamingDataLoader(stream, batchSize: 64, shuffleBuffer: 10_000, workers: 2, seed: 42)
/// ```
public struct AugmentedStreamingDataset<Base: StreamingDataset>: StreamingDataset where Base.Element == Example {
    public let base: Base
    public let transform: any ImageTransform
    public let seed: UInt64

    public init(_ base: Base, transform: any ImageTransform, seed: UInt64) {
        self.base = base
        self.transform = transform
        self.seed = seed
    }

    public var shardCount: Int { base.shardCount }

    /// Shard `shard` as epoch 1 sees it.
    public func stream(shard: Int) throws -> Stream {
        try stream(shard: shard, epoch: 1)
    }

    public func stream(shard: Int, epoch: Int) throws -> Stream {
        Stream(base: try base.stream(shard: shard, epoch: epoch), transform: transform, seed: seed, epoch: epoch, shard: shard)
    }

    /// A shard's samples, each transformed with the generator of its (epoch, shard, position).
    public struct Stream: SampleStream {
        var base: Base.Stream
        let transform: any ImageTransform
        let seed: UInt64
        let epoch: Int
        let shard: Int
        /// The samples read from the shard so far.
        private(set) var position = 0

        init(base: Base.Stream, transform: any ImageTransform, seed: UInt64, epoch: Int, shard: Int) {
            self.base = base
            self.transform = transform
            self.seed = seed
            self.epoch = epoch
            self.shard = shard
        }

        /// - Throws: the base stream's error, or the transform's, naming the shard and the
        ///   sample's position in it.
        public mutating func next() throws -> Example? {
            guard var example = try base.next() else { return nil }
            defer { position += 1 }
            var random = Augmentation.generator(seed: seed, epoch: epoch, shard: shard, position: position)
            do {
                example.features = try transform.apply(example.features, using: &random)
            } catch {
                var failure = error as? LoaderError ?? LoaderError(.mismatch, "\(error)")
                failure.location = failure.location ?? .sampleIndex(position)
                failure.message = "shard \(shard): " + failure.message
                throw failure
            }
            return example
        }
    }
}
