/// Visits one rank's share of a dataset in data-parallel training, exactly like PyTorch's
/// `DistributedSampler`.
///
/// Every rank sees `count` indices: the epoch's order (a `(seed, epoch)` permutation, or `0..<n`
/// without shuffling) is padded by repeating its start until it divides evenly by `worldSize`, or,
/// with `dropLast`, cut to the largest multiple; rank `r` then takes positions `r, r + worldSize, …`.
///
/// ```swift
/// let sampler = DistributedSampler(count: 10, rank: 1, worldSize: 3, shuffle: false, seed: 0)
/// sampler.indices(epoch: 1)   // [1, 4, 7, 0]
/// ```
public struct DistributedSampler: Sampler {
    public let datasetCount: Int
    public let rank: Int
    public let worldSize: Int
    public let shuffle: Bool
    public let seed: UInt64
    public let dropLast: Bool

    /// - Parameters:
    ///   - count: the dataset's sample count.
    ///   - rank: this process's rank in `0..<worldSize`.
    ///   - worldSize: the number of ranks sharing the dataset.
    ///   - shuffle: visit a `(seed, epoch)` permutation instead of `0..<count`; every rank must use
    ///     the same seed so their shares do not overlap.
    ///   - seed: the seed of every epoch's permutation.
    ///   - dropLast: drop the tail that does not divide evenly instead of padding it.
    /// - Precondition: `count >= 0`, `worldSize >= 1`, `0 <= rank < worldSize`.
    public init(count: Int, rank: Int, worldSize: Int, shuffle: Bool = true, seed: UInt64, dropLast: Bool = false) {
        require(count >= 0, "DistributedSampler count must not be negative, got \(count)")
        require(worldSize >= 1, "DistributedSampler worldSize must be at least 1, got \(worldSize)")
        require((0..<worldSize).contains(rank), "DistributedSampler rank \(rank) is outside 0..<\(worldSize)")
        self.datasetCount = count
        self.rank = rank
        self.worldSize = worldSize
        self.shuffle = shuffle
        self.seed = seed
        self.dropLast = dropLast
    }

    /// The sampler for `process`'s share, e.g. from `ProcessRank.fromEnvironment()` or MPI.
    public init(count: Int, process: ProcessRank, shuffle: Bool = true, seed: UInt64, dropLast: Bool = false) {
        self.init(count: count, rank: process.rank, worldSize: process.worldSize, shuffle: shuffle, seed: seed, dropLast: dropLast)
    }

    /// The number of indices each rank visits per epoch (PyTorch's `num_samples`).
    public var count: Int {
        if dropLast && datasetCount % worldSize != 0 {
            return datasetCount / worldSize
        }
        return (datasetCount + worldSize - 1) / worldSize
    }

    /// The padded or trimmed length shared out among ranks (PyTorch's `total_size`).
    public var totalSize: Int { count * worldSize }

    public var orderSettings: [String: String] {
        ["sampler": "DistributedSampler", "dataset count": "\(datasetCount)", "rank": "\(rank)", "world size": "\(worldSize)",
         "shuffle": "\(shuffle)", "seed": "\(seed)", "drop last": "\(dropLast)"]
    }

    /// - Complexity: O(`datasetCount`).
    public func indices(epoch: Int) -> [Int] {
        var order: [Int]
        if shuffle {
            var random = SeededGenerator(seed: seed, epoch: epoch)
            order = random.permutation(of: datasetCount)
        } else {
            order = Array(0..<datasetCount)
        }
        if dropLast {
            order.removeLast(order.count - totalSize)
        } else if !order.isEmpty {
            // Repeat the order from its start, as often as needed, until it reaches totalSize.
            let original = order
            while order.count < totalSize {
                order.append(contentsOf: original.prefix(totalSize - order.count))
            }
        }
        return Array(stride(from: rank, to: totalSize, by: worldSize).map { order[$0] })
    }
}
