import Dispatch
import Foundation
import Synchronization
@testable import Loaders

/// A point where reads stop until the test opens it, or until `holdSeconds` pass; tells the test
/// when a read has arrived there and when one has left.
///
/// Whether the loader returned before a held read left is what the tests check, rather than how
/// long it took: on a loaded machine, or under a sanitizer, seconds say little.
final class Gate: Sendable {
    private let opened = DispatchSemaphore(value: 0)
    private let arrivalCount = Atomic<Int>(0)
    private let departureCount = Atomic<Int>(0)
    private let isOpen = Atomic<Bool>(false)
    /// How long a read waits at the closed gate; `nil` waits until `open()`.
    let holdSeconds: Double?

    init(holdSeconds: Double? = nil) {
        self.holdSeconds = holdSeconds
    }

    /// Called by a read: waits while the gate is closed.
    func pass() {
        arrivalCount.add(1, ordering: .sequentiallyConsistent)
        defer { departureCount.add(1, ordering: .sequentiallyConsistent) }
        guard !isOpen.load(ordering: .acquiring) else { return }
        if let holdSeconds {
            guard opened.wait(timeout: .now() + .milliseconds(Int(holdSeconds * 1000))) == .success else { return }
        } else {
            opened.wait()
        }
        // Let the next waiter through too.
        opened.signal()
    }

    /// Lets every waiting and later read through.
    func open() {
        isOpen.store(true, ordering: .releasing)
        opened.signal()
    }

    /// How many reads have arrived at the gate.
    var arrivals: Int { arrivalCount.load(ordering: .sequentiallyConsistent) }

    /// How many reads have left the gate, opened or held for `holdSeconds`.
    var departures: Int { departureCount.load(ordering: .sequentiallyConsistent) }
}

/// A `RangeDataset` whose sample `stallingIndex` waits at `gate`; records the threads reading it.
struct StallingDataset: Dataset {
    let count: Int
    let stallingIndex: Int
    let gate: Gate
    let threads = ThreadRecorder()

    func sample(at index: Int) throws -> Example {
        threads.recordCurrentThread()
        if index == stallingIndex { gate.pass() }
        return try RangeDataset(count: count).sample(at: index)
    }
}

/// A dataset (like `FailingDataset`) whose sample `failingIndex` throws, recording its threads.
struct TrackedFailingDataset: Dataset {
    let count: Int
    let failingIndex: Int
    let threads = ThreadRecorder()

    func sample(at index: Int) throws -> Example {
        threads.recordCurrentThread()
        return try FailingDataset(count: count, failingIndex: failingIndex).sample(at: index)
    }
}

/// `ShardedRangeDataset` whose shard `stall.shard` waits at `gate` before its sample
/// `stall.position`, or throws there with `fails`; records the threads opening and reading shards.
struct StallingShardedDataset: StreamingDataset {
    let sizes: [Int]
    var stall: (shard: Int, position: Int)? = nil
    var gate = Gate()
    var failure: (shard: Int, position: Int)? = nil
    let threads = ThreadRecorder()

    var shardCount: Int { sizes.count }

    func stream(shard: Int) throws -> Stream {
        threads.recordCurrentThread()
        let base = try ShardedRangeDataset(sizes: sizes, failure: failure).stream(shard: shard)
        return Stream(base: base, stallPosition: stall?.shard == shard ? stall?.position : nil, gate: gate, threads: threads)
    }

    struct Stream: SampleStream {
        var base: ShardedRangeDataset.Stream
        let stallPosition: Int?
        let gate: Gate
        let threads: ThreadRecorder

        mutating func next() throws -> Example? {
            threads.recordCurrentThread()
            if base.position == stallPosition { gate.pass() }
            return try base.next()
        }
    }
}

/// Sample `i` is read from its own file `<directory>/<i>.bin` (two little-endian Float32s,
/// `[i, i + 0.5]`, as `RangeDataset` gives them), opened for each read; records its threads.
struct PerSampleFileDataset: Dataset {
    let directory: String
    let count: Int
    let threads = ThreadRecorder()

    /// The path sample `index` is read from.
    func path(of index: Int) -> String { "\(directory)/\(index).bin" }

    /// Writes the files of `count` samples into a fresh temporary directory.
    static func make(count: Int) throws -> PerSampleFileDataset {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftloaders-faults-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let dataset = PerSampleFileDataset(directory: directory, count: count)
        for index in 0..<count {
            let values = [Float(index), Float(index) + 0.5]
            let bytes = values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
            try Data(bytes).write(to: URL(fileURLWithPath: dataset.path(of: index)))
        }
        return dataset
    }

    func sample(at index: Int) throws -> Example {
        threads.recordCurrentThread()
        let file = try ReadOnlyFile(path: path(of: index))
        var bytes = [UInt8](repeating: 0, count: 8)
        try bytes.withUnsafeMutableBytes { try file.readExactly(into: $0, at: 0) }
        let values = (0..<2).map { i in
            Float(bitPattern: UInt32(bytes[4 * i]) | UInt32(bytes[4 * i + 1]) << 8
                | UInt32(bytes[4 * i + 2]) << 16 | UInt32(bytes[4 * i + 3]) << 24)
        }
        return Example(features: Tensor(shape: [2], scalars: values), label: index % 10)
    }
}

/// Copies `files` into a fresh temporary directory, for tests that remove or count the files a
/// loader opens; returns the directory.
func copyIntoTemporaryDirectory(_ files: [String]) throws -> String {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("swiftloaders-faults-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for file in files {
        try FileManager.default.copyItem(atPath: file, toPath: "\(directory)/\((file as NSString).lastPathComponent)")
    }
    return directory
}

/// The MNIST test split's two files, copied by `copyIntoTemporaryDirectory`.
func copyOfMNISTTestFiles() throws -> String {
    try copyIntoTemporaryDirectory(["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"].map { "\(IDXFixtures.mnist)/\($0)" })
}
