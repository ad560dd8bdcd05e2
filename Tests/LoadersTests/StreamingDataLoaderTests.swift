import Testing
@testable import Loaders

@Suite struct StreamingDataLoaderTests {
    private func collect(_ epoch: LoaderEpoch<Batch>) async throws -> [[Int]] {
        var result: [[Int]] = []
        for try await batch in epoch { result.append(ids(of: batch)) }
        return result
    }

    private let sizes = [5, 0, 7, 3, 9, 4]
    private var allIds: [Int] { sizes.enumerated().flatMap { shard, size in (0..<size).map { 1000 * shard + $0 } } }

    @Test func withoutShufflingShardsAreConcatenatedInOrder() async throws {
        let loader = StreamingDataLoader(ShardedRangeDataset(sizes: sizes), batchSize: 4, shuffleShards: false)
        let batches = try await collect(loader.epoch(1))
        #expect(batches.flatMap { $0 } == allIds)
        #expect(batches.map(\.count) == [4, 4, 4, 4, 4, 4, 4])   // 28 samples
        let dropping = StreamingDataLoader(ShardedRangeDataset(sizes: sizes), batchSize: 5, dropLast: true, shuffleShards: false)
        #expect(try await collect(dropping.epoch(1)).flatMap { $0 } == Array(allIds.prefix(25)))
    }

    /// Buffers and batches far larger than the data hold everything read, in one batch.
    @Test(arguments: [0, 2])
    func aHugeShuffleBufferAndBatchSizeHoldOnlyWhatIsRead(workers: Int) async throws {
        let loader = StreamingDataLoader(
            ShardedRangeDataset(sizes: sizes), batchSize: Int.max, shuffleBuffer: Int.max, workers: workers, seed: 5)
        let batches = try await collect(loader.epoch(1))
        #expect(batches.count == 1)
        #expect(batches.flatMap { $0 }.sorted() == allIds)
    }

    @Test(arguments: [1, 3])
    func aSeedGivesTheSameBatchesWhateverTheWorkerCount(workers: Int) async throws {
        let dataset = ShardedRangeDataset(sizes: sizes)
        let reference = StreamingDataLoader(dataset, batchSize: 3, shuffleBuffer: 4, workers: 0, seed: 99)
        let parallel = StreamingDataLoader(dataset, batchSize: 3, shuffleBuffer: 4, workers: workers, prefetch: 1, seed: 99)
        for epoch in 0..<2 {
            let expected = try await collect(reference.epoch(epoch + 1))
            #expect(expected.flatMap { $0 }.sorted() == allIds)
            #expect(try await collect(parallel.epoch(epoch + 1)) == expected)
            var iterator = parallel.epoch(epoch + 1).makeIterator()
            var synchronous: [[Int]] = []
            while let batch = try iterator.next() { synchronous.append(ids(of: batch)) }
            #expect(synchronous == expected)
        }
        #expect(try await collect(reference.epoch(1)) != collect(reference.epoch(2)))
        #expect(parallel.statistics.liveWorkers == 0)
    }

    @Test func shardsAreVisitedInTheSeededOrderAndShuffledLocally() async throws {
        let loader = StreamingDataLoader(ShardedRangeDataset(sizes: sizes), batchSize: 40, shuffleBuffer: 3, workers: 2, seed: 5)
        let order = loader.shardOrder(epoch: 1)
        #expect(order.sorted() == Array(0..<sizes.count))
        let samples = try await collect(loader.epoch(1)).flatMap { $0 }
        // Shards follow one another whole, in the shard order.
        let shardsSeen = samples.map { $0 / 1000 }
        var runs: [Int] = []
        for shard in shardsSeen where runs.last != shard { runs.append(shard) }
        #expect(runs == order.filter { sizes[$0] > 0 })
        // A buffer of 3 moves a sample at most a few places within its shard, yet does move some.
        #expect(samples != order.flatMap { shard in (0..<sizes[shard]).map { 1000 * shard + $0 } })
    }

    @Test(arguments: [0, 2])
    func anErrorArrivesAfterTheBatchesReadBeforeIt(workers: Int) async throws {
        let dataset = ShardedRangeDataset(sizes: [4, 4, 6], failure: (shard: 2, position: 3))
        let loader = StreamingDataLoader(dataset, batchSize: 2, shuffleShards: false, workers: workers, prefetch: 1)
        var iterator = loader.makeAsyncIterator()
        var delivered: [[Int]] = []
        do {
            while let batch = try await iterator.next() { delivered.append(ids(of: batch)) }
            Issue.record("the failing shard was never reported")
        } catch let error as LoaderError {
            #expect(error.code == .truncated)
            #expect(error.path == "shard2.bin")
            #expect(error.location == .byteOffset(3))
            #expect(error.message.contains("shard 2"))
            #expect(error.message.contains(workers == 0 ? "consuming thread" : "worker "))
        }
        #expect(delivered == [[0, 1], [2, 3], [1000, 1001], [1002, 1003], [2000, 2001]])
        #expect(try await iterator.next() == nil)
        #expect(await eventually { loader.statistics.liveWorkers == 0 })
    }

    @Test func cancellingAndDroppingJoinTheWorkers() async throws {
        let loader = StreamingDataLoader(ShardedRangeDataset(sizes: Array(repeating: 50, count: 8)), batchSize: 2, workers: 3, prefetch: 1)
        for try await _ in loader { break }
        #expect(await eventually { loader.statistics.liveWorkers == 0 })
        do {
            var iterator = loader.makeIterator()
            _ = try iterator.next()
        }
        #expect(await eventually { loader.statistics.liveWorkers == 0 })
        let consumer = Task {
            for try await _ in loader { try await Task.sleep(for: .milliseconds(1)) }
        }
        consumer.cancel()
        #expect(await expectFinishes(within: 20) { _ = try? await consumer.value })
        #expect(await eventually { loader.statistics.liveWorkers == 0 })
    }

    @Test func emptyShardsAndSmallWindowsNeverStall() async throws {
        // Empty shards finish without yielding: the consumer must move past them and free their
        // window slot even when it had already decided to wait.
        let dataset = ShardedRangeDataset(sizes: [5, 0, 7, 0, 3, 9, 0, 4])
        let expected = dataset.sizes.reduce(0, +)
        let finished = await expectFinishes(within: 60) {
            for seed in 0..<150 {
                for workers in [1, 2] {
                    let loader = StreamingDataLoader(dataset, batchSize: 3, shuffleBuffer: 2, workers: workers, prefetch: 1, seed: UInt64(seed))
                    var samples = 0
                    do {
                        for try await batch in loader { samples += batch.count }
                        var iterator = loader.makeIterator()
                        while let batch = try iterator.next() { samples += batch.count }
                    } catch {
                        Issue.record("unexpected error \(error)")
                    }
                    #expect(samples == 2 * expected)
                }
            }
        }
        #expect(finished)
    }
}
