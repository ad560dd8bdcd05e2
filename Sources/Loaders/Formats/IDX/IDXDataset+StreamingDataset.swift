extension IDXDataset: StreamingDataset {
    /// Opens shard `shard` for reading sample by sample through the files' (gzip) streams.
    ///
    /// Shard `k` of `shardCount` holds the samples `k * count / shardCount ..< (k + 1) * count / shardCount`.
    /// Memory stays constant whatever the file size: one sample and one input block per file.
    /// The last shard also checks that nothing follows the payloads, which for gzip verifies the
    /// final CRC-32 and length.
    /// - Precondition: `0 <= shard < shardCount`.
    /// - Throws: `LoaderError` when a file cannot be opened or its header changed.
    public func stream(shard: Int) throws -> IDXSampleStream {
        require(shard >= 0 && shard < shardCount, "IDXDataset shard \(shard) out of range 0..<\(shardCount)")
        let start = shard * count / shardCount
        let end = (shard + 1) * count / shardCount
        return try IDXSampleStream(dataset: self, range: start..<end, checksEnd: shard == shardCount - 1)
    }
}
