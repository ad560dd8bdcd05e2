import Foundation
import Loaders
import Synchronization

/// Sample `i` has features `[i, i + 0.5]` and label `i % 10`, so a batch tells which indices it holds.
struct RangeDataset: Dataset {
    let count: Int

    func sample(at index: Int) throws -> Example {
        precondition((0..<count).contains(index))
        return Example(features: Tensor(shape: [2], scalars: [Float(index), Float(index) + 0.5]), label: index % 10)
    }
}

/// The dataset indices a batch of `RangeDataset` samples holds.
func indices(of batch: Batch) -> [Int] {
    stride(from: 0, to: batch.features.count, by: 2).map { Int(batch.features.scalars[$0]) }
}

/// A `RangeDataset` whose sample `failingIndex` cannot be read.
struct FailingDataset: Dataset {
    let count: Int
    let failingIndex: Int

    func sample(at index: Int) throws -> Example {
        if index == failingIndex {
            throw LoaderError(.malformed, "synthetic bad record", path: "synthetic.bin", location: .byteOffset(index * 8))
        }
        return try RangeDataset(count: count).sample(at: index)
    }
}

/// Counts the batches (bulk reads) started and optionally sleeps per sample, to make workers slow.
final class ReadCounter: Sendable {
    private let started = Atomic<Int>(0)
    var batchesStarted: Int { started.load(ordering: .sequentiallyConsistent) }
    func recordStart() { started.add(1, ordering: .sequentiallyConsistent) }
}

struct CountingDataset: Dataset {
    let count: Int
    let counter: ReadCounter
    /// Microseconds to sleep per sample read.
    var delayMicroseconds: UInt32 = 0

    func sample(at index: Int) throws -> Example {
        if delayMicroseconds > 0 { usleep(delayMicroseconds) }
        return try RangeDataset(count: count).sample(at: index)
    }

    func samples(at indices: [Int]) throws -> [Example] {
        counter.recordStart()
        return try indices.map { try sample(at: $0) }
    }
}

/// Shard `s` holds `sizes[s]` samples; sample `p` of shard `s` has features `[1000 s + p]` and
/// label `s`. Reading `failure` (shard, position), if any, throws.
struct ShardedRangeDataset: StreamingDataset {
    let sizes: [Int]
    var failure: (shard: Int, position: Int)? = nil

    var shardCount: Int { sizes.count }

    func stream(shard: Int) throws -> Stream {
        Stream(shard: shard, size: sizes[shard], failingPosition: failure?.shard == shard ? failure?.position : nil)
    }

    struct Stream: SampleStream {
        let shard: Int
        let size: Int
        let failingPosition: Int?
        var position = 0

        mutating func next() throws -> Example? {
            guard position < size else { return nil }
            defer { position += 1 }
            if position == failingPosition {
                throw LoaderError(.truncated, "synthetic shard ends early", path: "shard\(shard).bin", location: .byteOffset(position))
            }
            return Example(features: Tensor(shape: [1], scalars: [Float(1000 * shard + position)]), label: shard)
        }
    }
}

/// `shardCount` shards of `samplesPerShard` samples, each `width` copies of its position in the
/// shard: large samples, for tests that weigh how many the loader holds at once.
struct WideShards: StreamingDataset {
    let shardCount: Int
    let samplesPerShard: Int
    let width: Int

    func stream(shard: Int) throws -> Stream { Stream(dataset: self) }

    struct Stream: SampleStream {
        let dataset: WideShards
        var position = 0

        mutating func next() throws -> Example? {
            guard position < dataset.samplesPerShard else { return nil }
            defer { position += 1 }
            return Example(features: Tensor(shape: [dataset.width], scalars: Array(repeating: Float(position), count: dataset.width)), label: 0)
        }
    }
}

/// The sample ids (`1000 shard + position`) a batch of `ShardedRangeDataset` samples holds.
func ids(of batch: Batch) -> [Int] {
    batch.features.scalars.map { Int($0) }
}

/// Runs `operation`, failing the test if it has not finished after `seconds` (a generous bound
/// that catches hangs, not a timing assertion).
func expectFinishes(within seconds: Int, _ operation: @escaping @Sendable () async -> Void) async -> Bool {
    await withTaskGroup(of: Bool.self) { group in
        group.addTask {
            await operation()
            return true
        }
        group.addTask {
            try? await Task.sleep(for: .seconds(seconds))
            return false
        }
        let first = await group.next()!
        group.cancelAll()
        return first
    }
}
