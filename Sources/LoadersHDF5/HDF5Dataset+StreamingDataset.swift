import Loaders

extension HDF5Dataset: StreamingDataset {
    /// Opens shard `shard`: a run of whole blocks of rows, read in order with one block of
    /// features and one of labels in memory at a time (no shared cache), so memory stays bounded
    /// however large the file.
    public func stream(shard: Int) throws -> HDF5SampleStream {
        require(shard >= 0 && shard < shardCount, "shard \(shard) outside 0..<\(shardCount)")
        return HDF5SampleStream(dataset: self, rows: rows(ofShard: shard))
    }

    /// The rows of shard `shard`, split on the features' block edges.
    func rows(ofShard shard: Int) -> Range<Int> {
        let blocks = features.stored.blockCount
        // A file may claim close to Int.max blocks: multiply in full width before dividing.
        func boundary(_ shard: Int) -> Int {
            let block = shardCount.dividingFullWidth(blocks.multipliedFullWidth(by: shard)).quotient
            return block < blocks ? features.stored.blockRange(block).lowerBound : count
        }
        return boundary(shard)..<boundary(shard + 1)
    }
}
