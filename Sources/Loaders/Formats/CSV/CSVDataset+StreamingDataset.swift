extension CSVDataset: StreamingDataset {
    /// One shard per piece of the parallel parse: contiguous runs of rows in file order.
    public var shardCount: Int { pieces.count }

    /// Streams shard `shard`'s rows in file order, from memory.
    public func stream(shard: Int) throws -> Rows {
        require(shard >= 0 && shard < shardCount, "shard \(shard) out of range 0..<\(shardCount)")
        return Rows(dataset: self, range: pieceStarts[shard]..<pieceStarts[shard + 1])
    }

    /// The rows of one shard, in order.
    public struct Rows: SampleStream {
        let dataset: CSVDataset
        var range: Range<Int>

        public mutating func next() throws -> Example? {
            guard let index = range.popFirst() else { return nil }
            return try dataset.sample(at: index)
        }
    }
}
