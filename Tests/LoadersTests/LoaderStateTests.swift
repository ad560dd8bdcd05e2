import Foundation
import Synchronization
import Testing
@testable import Loaders

/// Loader state: a run interrupted anywhere and resumed from its saved state, with any worker count
/// and prefetch, gives exactly the batches of the uninterrupted run, and reads nothing the resumed
/// run does not deliver.
@Suite struct LoaderStateTests {
    /// Every sample index a dataset was asked for, in any order.
    final class ReadLog: Sendable {
        private let reads = Mutex<[Int]>([])
        func record(_ indices: [Int]) { reads.withLock { $0 += indices } }
        var all: [Int] { reads.withLock { $0 } }
    }

    /// A `RangeDataset` that logs every index read.
    struct LoggedDataset: Dataset {
        let count: Int
        let log: ReadLog

        func sample(at index: Int) throws -> Example {
            log.record([index])
            return try RangeDataset(count: count).sample(at: index)
        }
    }

    /// A `ShardedRangeDataset` that logs each sample read as its id.
    struct LoggedShards: StreamingDataset {
        let base: ShardedRangeDataset
        let log: ReadLog
        var shardCount: Int { base.shardCount }

        func stream(shard: Int) throws -> Stream { Stream(base: try base.stream(shard: shard), log: log) }

        struct Stream: SampleStream {
            var base: ShardedRangeDataset.Stream
            let log: ReadLog

            mutating func next() throws -> Example? {
                guard let sample = try base.next() else { return nil }
                log.record([Int(sample.features.scalars[0])])
                return sample
            }
        }
    }

    /// The state after a round trip through JSON, as a checkpoint would carry it.
    private func saved(_ state: LoaderState) throws -> LoaderState {
        try JSONDecoder().decode(LoaderState.self, from: JSONEncoder().encode(state))
    }

    /// Reads `count` batches from the loader's next epoch and returns them with the iterator's state.
    private func take<Loader: BatchLoader>(_ count: Int, from loader: Loader) throws -> ([Loader.Element], LoaderState) {
        var iterator = loader.makeIterator()
        var batches: [Loader.Element] = []
        while batches.count < count, let batch = try iterator.next() { batches.append(batch) }
        #expect(iterator.state == loader.state)
        return (batches, iterator.state)
    }

    private static let workerChanges = [(0, 2), (2, 0), (1, 16), (4, 1), (16, 4), (2, 2)]

    /// The rest of the loader's next epoch, read asynchronously or with the blocking iterator.
    private func rest<Loader: BatchLoader>(of loader: Loader, asynchronously: Bool) async throws -> [Loader.Element] {
        if asynchronously {
            var batches: [Loader.Element] = []
            for try await batch in loader { batches.append(batch) }
            return batches
        }
        var iterator = loader.makeIterator()
        var batches: [Loader.Element] = []
        while let batch = try iterator.next() { batches.append(batch) }
        return batches
    }

    // MARK: Map-style

    @Test(arguments: workerChanges)
    func aShuffledEpochResumedAtAnyBatchWithOtherWorkersGivesTheUninterruptedBatches(before: Int, after: Int) async throws {
        let count = 103, batchSize = 8
        let reference = DataLoader(RangeDataset(count: count), batchSize: batchSize, shuffle: true, seed: 11)
        let epoch2 = try collect(reference.epoch(2)).map(indices(of:))
        let epoch3 = try collect(reference.epoch(3)).map(indices(of:))
        for cut in [0, 1, 6, 12, 13] {
            let first = DataLoader(RangeDataset(count: count), batchSize: batchSize, shuffle: true, workers: before, prefetch: 1, seed: 11)
            _ = try take(.max, from: first)   // epoch 1
            let (head, state) = try take(cut, from: first)
            #expect(state.epoch == 2 && state.batches == cut && state.samples == head.reduce(0) { $0 + $1.count })

            let log = ReadLog()
            let second = DataLoader(
                LoggedDataset(count: count, log: log), batchSize: batchSize, shuffle: true, workers: after, prefetch: 3, seed: 11)
            try second.restore(saved(state))
            let tail = try await rest(of: second, asynchronously: after.isMultiple(of: 2)).map(indices(of:))
            #expect(head.map(indices(of:)) + tail == epoch2, "cut at \(cut), workers \(before) then \(after)")
            // Nothing before the cut was read again.
            #expect(log.all.sorted() == tail.flatMap { $0 }.sorted(), "cut at \(cut)")
            // The loader goes on with the next epoch.
            #expect(try collect(second.epoch(3)).map(indices(of:)) == epoch3)
            #expect(try await rest(of: second, asynchronously: true).map(indices(of:)) == epoch3)
        }
    }

    // MARK: Streaming

    private static let shardSizes = [17, 0, 23, 5, 31, 12, 1, 26, 9, 14]

    private func streaming(_ log: ReadLog = ReadLog(), workers: Int, prefetch: Int = 2) -> StreamingDataLoader<LoggedShards> {
        StreamingDataLoader(
            LoggedShards(base: ShardedRangeDataset(sizes: Self.shardSizes), log: log), batchSize: 7, shuffleBuffer: 6,
            workers: workers, prefetch: prefetch, seed: 5)
    }

    @Test(arguments: workerChanges)
    func aStreamingEpochResumedAtAnyBatchReadsOnlyTheCurrentShardAgain(before: Int, after: Int) async throws {
        let reference = streaming(workers: 0)
        let epoch1 = try collect(reference.epoch(1)).map(ids(of:))
        let epoch2 = try collect(reference.epoch(2)).map(ids(of:))
        let order = reference.shardOrder(epoch: 1)
        for cut in 0...epoch1.count {
            let first = streaming(workers: before, prefetch: 1)
            let (head, state) = try take(cut, from: first)
            let shard = try #require(state.shard)
            // The state's shard holds the last sample delivered, and every earlier shard is done.
            if let last = head.last.flatMap({ ids(of: $0).last }) {
                #expect(order[shard.order] == last / 1000)
            }

            let log = ReadLog()
            let second = streaming(log, workers: after, prefetch: 3)
            try second.restore(saved(state))
            let tail = try await rest(of: second, asynchronously: cut.isMultiple(of: 2)).map(ids(of:))
            #expect(head.map(ids(of:)) + tail == epoch1, "cut at \(cut), workers \(before) then \(after)")
            // Read again: only samples of the state's shard, and none of the shards before it.
            let readAgain = Set(log.all).subtracting(tail.flatMap { $0 })
            #expect(readAgain.allSatisfy { $0 / 1000 == order[shard.order] }, "cut at \(cut)")
            #expect(try await rest(of: second, asynchronously: true).map(ids(of:)) == epoch2)
        }
    }

    // MARK: Chains and boundaries

    /// One epoch interrupted after every few batches, each time resumed by a new loader with
    /// another worker count, gives the uninterrupted epoch; so does a resume at its very end.
    @Test func aChainOfResumesInOneEpochGivesTheUninterruptedEpoch() throws {
        let workers = [0, 3, 1, 16, 2, 0, 4]
        let mapReference = try collect(DataLoader(RangeDataset(count: 90), batchSize: 4, shuffle: true, seed: 3).epoch(1)).map(indices(of:))
        var mapBatches: [[Int]] = []
        var state: LoaderState?
        for (step, count) in workers.enumerated() {
            let loader = DataLoader(RangeDataset(count: 90), batchSize: 4, shuffle: true, workers: count, prefetch: 1 + step % 3, seed: 3)
            if let state { try loader.restore(saved(state)) }
            let (batches, after) = try take(step == workers.count - 1 ? .max : 1 + step % 3, from: loader)
            mapBatches += batches.map(indices(of:))
            state = after
        }
        #expect(mapBatches == mapReference)
        #expect(state?.epoch == 2 && state?.batches == 0)

        let streamReference = try collect(streaming(workers: 0).epoch(1)).map(ids(of:))
        var streamBatches: [[Int]] = []
        state = nil
        for (step, count) in workers.enumerated() {
            let loader = streaming(workers: count, prefetch: 1 + step % 3)
            if let state { try loader.restore(saved(state)) }
            let (batches, after) = try take(step == workers.count - 1 ? .max : 1 + step % 3, from: loader)
            streamBatches += batches.map(ids(of:))
            state = after
        }
        #expect(streamBatches == streamReference)
        #expect(state?.epoch == 2 && state?.shard == .init(order: 0, samples: 0))
    }

    /// A state taken after an epoch's last batch, before the loop asked for more, resumes as the
    /// empty rest of that epoch and then the next epoch; one taken after the loop ended resumes as
    /// the next epoch.
    @Test func statesAtEpochBoundariesResumeWithTheNextEpoch() async throws {
        let reference = DataLoader(RangeDataset(count: 20), batchSize: 5, shuffle: true, seed: 8)
        let (_, atLastBatch) = try take(4, from: reference)
        #expect(atLastBatch.epoch == 1 && atLastBatch.batches == 4)
        let resumed = DataLoader(RangeDataset(count: 20), batchSize: 5, shuffle: true, workers: 2, seed: 8)
        try resumed.restore(atLastBatch)
        #expect(try await rest(of: resumed, asynchronously: true).isEmpty)
        #expect(try await rest(of: resumed, asynchronously: false).map(indices(of:)) == collect(reference.epoch(2)).map(indices(of:)))

        let ended = DataLoader(RangeDataset(count: 20), batchSize: 5, shuffle: true, seed: 8)
        _ = try take(.max, from: ended)
        #expect(ended.state.epoch == 2 && ended.state.batches == 0)
        let next = DataLoader(RangeDataset(count: 20), batchSize: 5, shuffle: true, workers: 1, seed: 8)
        try next.restore(ended.state)
        #expect(try await rest(of: next, asynchronously: false).map(indices(of:)) == collect(reference.epoch(2)).map(indices(of:)))
    }

    // MARK: What a state belongs to

    @Test func aStateForAnotherLoaderIsRefusedNamingEveryDifference() throws {
        let loader = DataLoader(RangeDataset(count: 50), batchSize: 5, shuffle: true, seed: 1)
        _ = try take(3, from: loader)
        let state = loader.state

        let other = DataLoader(RangeDataset(count: 50), batchSize: 10, shuffle: true, seed: 2)
        let error = try #require(throws: LoaderError.self) { try other.restore(state) }
        #expect(error.code == .mismatch)
        #expect(error.message == "the loader state belongs to another loader: batch size is 10 here and 5 in the state; "
            + "seed is 2 here and 1 in the state")
        let smaller = DataLoader(RangeDataset(count: 49), batchSize: 5, shuffle: true, seed: 1)
        #expect(throws: LoaderError.self) { try smaller.restore(state) }
        let inOrder = DataLoader(RangeDataset(count: 50), batchSize: 5, seed: 1)
        let kind = try #require(throws: LoaderError.self) { try inOrder.restore(state) }
        #expect(kind.message.contains("sampler is SequentialSampler here and RandomSampler in the state"))
        let stream = streaming(workers: 0)
        let crossed = try #require(throws: LoaderError.self) { try stream.restore(state) }
        #expect(crossed.message.contains("loader is StreamingDataLoader here and DataLoader in the state"))

        var newer = state
        newer.version = LoaderState.currentVersion + 1
        #expect(try #require(throws: LoaderError.self) { try loader.restore(newer) }.code == .unsupported)
        var past = state
        past.batches = 11
        let beyond = try #require(throws: LoaderError.self) { try loader.restore(past) }
        #expect(beyond.code == .malformed)
        #expect(beyond.message == "the loader state is at batch 11 of an epoch of 10 batches")
        var noEpoch = state
        noEpoch.epoch = 0
        #expect(try #require(throws: LoaderError.self) { try loader.restore(noEpoch) }.code == .malformed)
        var streamState = try take(2, from: stream).1
        streamState.shard = .init(order: Self.shardSizes.count, samples: 0)
        #expect(try #require(throws: LoaderError.self) { try streaming(workers: 0).restore(streamState) }.code == .malformed)
    }

    /// A saved state stays small: the bound is 1 KB for a map-style loader over MNIST and
    /// 4 KB for streaming.
    @Test func savedStatesAreSmall() throws {
        let loader = DataLoader(RangeDataset(count: 60_000), batchSize: 64, shuffle: true, seed: 42)
        _ = try take(900, from: loader)
        let mapBytes = try JSONEncoder().encode(loader.state).count
        #expect(mapBytes <= 1024, "\(mapBytes) bytes")
        let stream = streaming(workers: 0)
        _ = try take(5, from: stream)
        let streamBytes = try JSONEncoder().encode(stream.state).count
        #expect(streamBytes <= 4096, "\(streamBytes) bytes")
    }

    /// A sampler of the user's own, with only `count` and `batches(epoch:)`, resumes through the
    /// protocol's defaults, and its type name keeps states of other samplers out.
    @Test func aUsersOwnBatchSamplerResumesThroughTheDefaults() async throws {
        struct Reversed: BatchSampling {
            let count = 6
            func batches(epoch: Int) -> [[Int]] {
                (0..<count).reversed().map { [2 * $0 + epoch % 2, 2 * $0 + 1 - epoch % 2] }
            }
        }
        let whole = try collect(DataLoader(RangeDataset(count: 12), batchSampler: Reversed()).epoch(1)).map(indices(of:))
        let first = DataLoader(RangeDataset(count: 12), batchSampler: Reversed(), workers: 2)
        let (head, state) = try take(4, from: first)
        #expect(state.settings["batch sampler"] == "Reversed" && state.settings["batches"] == "6")
        let second = DataLoader(RangeDataset(count: 12), batchSampler: Reversed())
        try second.restore(state)
        #expect(try await head.map(indices(of:)) + rest(of: second, asynchronously: true).map(indices(of:)) == whole)
    }
}
