/// A source of samples read front to back, split into shards that can be read independently.
///
/// Files that can only be read in order (a gzip stream, a CSV) and datasets larger than memory
/// conform. A shard is the unit of parallelism: the streaming loader gives each worker whole
/// shards, so a format splits its input into at least as many shards as it expects workers.
public protocol StreamingDataset<Element>: Sendable {
    associatedtype Element: Sendable = Example
    associatedtype Stream: SampleStream<Element>

    /// The number of shards, at least 1.
    var shardCount: Int { get }

    /// Opens shard `shard` for reading from its start.
    /// - Precondition: `0 <= shard < shardCount`.
    /// - Throws: a `LoaderError` when the shard's file cannot be opened.
    func stream(shard: Int) throws -> Stream

    /// Opens shard `shard` for reading in epoch `epoch` (counted from 1): what the streaming loader
    /// calls. The default is `stream(shard:)`, since most data is the same in every epoch; an
    /// `AugmentedStreamingDataset` draws each sample's random transform from (seed, epoch, shard,
    /// position).
    /// - Precondition: `0 <= shard < shardCount`.
    /// - Throws: a `LoaderError` when the shard's file cannot be opened.
    func stream(shard: Int, epoch: Int) throws -> Stream
}

extension StreamingDataset {
    public func stream(shard: Int, epoch: Int) throws -> Stream {
        try stream(shard: shard)
    }
}

/// Reads one shard of a `StreamingDataset` in order.
public protocol SampleStream<Element> {
    associatedtype Element: Sendable

    /// The next sample, or `nil` at the end of the shard.
    /// - Throws: a `LoaderError` naming the file and place of bad input.
    mutating func next() throws -> Element?
}
