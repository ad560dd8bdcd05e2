import Foundation
import Loaders
import Synchronization

/// `LOADERS_STRESS_SCALE` (default 1) multiplies the epochs and rounds of the stress tests, so a
/// sanitizer run can give the threads more chances to meet than the ordinary test run pays for.
enum StressScale {
    static let factor: Int = {
        guard let text = ProcessInfo.processInfo.environment["LOADERS_STRESS_SCALE"], let value = Int(text) else { return 1 }
        return max(1, value)
    }()
}

/// The samples of `RangeDataset`, some of them slow to read: sample `i` sleeps
/// `delayMicroseconds` when `i` is a multiple of `slowEvery`. Workers then finish their batches
/// out of order, which the in-order hand-off has to undo; a delay of 0 gives the same samples at
/// full speed, for the reference run.
struct JitteredDataset: Dataset {
    let count: Int
    var delayMicroseconds: UInt32 = 100
    var slowEvery = 3

    func sample(at index: Int) throws -> Example {
        if delayMicroseconds > 0 && index % slowEvery == 0 { usleep(delayMicroseconds) }
        return try RangeDataset(count: count).sample(at: index)
    }
}

/// The shards of `ShardedRangeDataset` (sample `p` of shard `s` is `1000 s + p`), each stream
/// sleeping `delayMicroseconds` before every `slowEvery`-th sample, so that shards finish out of order.
struct JitteredShards: StreamingDataset {
    let sizes: [Int]
    var delayMicroseconds: UInt32 = 100
    var slowEvery = 4

    var shardCount: Int { sizes.count }

    func stream(shard: Int) throws -> Stream {
        Stream(base: try ShardedRangeDataset(sizes: sizes).stream(shard: shard), delayMicroseconds: delayMicroseconds,
               slowEvery: slowEvery + shard % 3)
    }

    struct Stream: SampleStream {
        var base: ShardedRangeDataset.Stream
        let delayMicroseconds: UInt32
        let slowEvery: Int
        var read = 0

        mutating func next() throws -> Example? {
            if delayMicroseconds > 0 && read % slowEvery == 0 { usleep(delayMicroseconds) }
            read += 1
            return try base.next()
        }
    }
}

/// Holds back reads until opened: a stand-in for a read that blocks (a slow disk, a network file).
final class ReadGate: Sendable {
    private let isOpen = Atomic<Bool>(false)
    private let waiting = Atomic<Int>(0)

    /// Reads waiting at the gate now.
    var waitingReads: Int { waiting.load(ordering: .sequentiallyConsistent) }

    func open() { isOpen.store(true, ordering: .sequentiallyConsistent) }

    /// Returns once the gate is open.
    func pass() {
        guard !isOpen.load(ordering: .sequentiallyConsistent) else { return }
        waiting.add(1, ordering: .sequentiallyConsistent)
        while !isOpen.load(ordering: .sequentiallyConsistent) { usleep(200) }
        waiting.subtract(1, ordering: .sequentiallyConsistent)
    }
}

/// The samples of `RangeDataset`, where reading any index from `firstGatedIndex` on waits at `gate`.
struct GatedDataset: Dataset {
    let count: Int
    let firstGatedIndex: Int
    let gate: ReadGate

    func sample(at index: Int) throws -> Example {
        if index >= firstGatedIndex { gate.pass() }
        return try RangeDataset(count: count).sample(at: index)
    }
}
