extension MNIST: StreamingDataset {
    public var shardCount: Int { dataset.shardCount }

    public func stream(shard: Int) throws -> IDXSampleStream {
        try dataset.stream(shard: shard)
    }
}
