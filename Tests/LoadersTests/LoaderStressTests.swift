import Foundation
import Testing
@testable import Loaders

/// Stress for the loaders' threads: many epochs with more workers than cores, consumers faster and
/// slower than the workers, one-batch and wide prefetch windows, early exits, cancellation and
/// failures mid-epoch, several epochs of one loader read at once. Every test compares each batch
/// with the run without workers, so a lost, repeated or reordered batch fails it.
///
/// ThreadSanitizer only reports races between accesses that really overlap in time, which is
/// what these tests are for (`make sanitize`); `LOADERS_STRESS_SCALE` runs more rounds of each.
@Suite struct LoaderStressTests {
    /// One way of running a loader: its worker count and prefetch, and the consumer's speed.
    struct Setup: Sendable, CustomTestStringConvertible {
        let workers: Int
        let prefetch: Int
        let slowConsumer: Bool

        /// What the consumer spends on each batch: a slow one longer than a jittered batch takes to read.
        var pauseMicroseconds: UInt32 { slowConsumer ? 300 : 0 }

        var testDescription: String {
            "\(workers) workers, prefetch \(prefetch), \(slowConsumer ? "slow" : "fast") consumer"
        }

        /// 3 and 4 workers (more threads than the 2 cores CI has), a window of one batch per
        /// worker and a wide one, a consumer that never waits and one that sleeps per batch.
        static let all: [Setup] = [3, 4].flatMap { workers in
            [1, 8].flatMap { prefetch in
                [false, true].map { Setup(workers: workers, prefetch: prefetch, slowConsumer: $0) }
            }
        }
    }

    private static let scale = StressScale.factor

    // MARK: DataLoader

    /// Epoch after epoch, alternately read by a task and by a blocking iterator: every batch is the
    /// one the run without workers gives, the window bound holds, and no worker outlives its epoch.
    @Test(arguments: Setup.all)
    func manyEpochsGiveExactlyTheBatchesOfTheRunWithoutWorkers(setup: Setup) async throws {
        let count = 150, batchSize = 4, epochs = 6 * Self.scale
        let loader = DataLoader(
            JitteredDataset(count: count), batchSize: batchSize, shuffle: true, workers: setup.workers,
            prefetch: setup.prefetch, seed: 2024)
        let reference = DataLoader(JitteredDataset(count: count, delayMicroseconds: 0), batchSize: batchSize, shuffle: true, seed: 2024)
        for epoch in 0..<epochs {
            let expected = try collect(reference.epoch(epoch + 1))
            #expect(expected.flatMap(indices(of:)).sorted() == Array(0..<count))
            let (batches, error) = await read(loader.epoch(epoch + 1), asynchronously: epoch.isMultiple(of: 2), pauseMicroseconds: setup.pauseMicroseconds)
            #expect(error == nil)
            #expect(batches == expected, "epoch \(epoch)")
        }
        let statistics = loader.statistics
        #expect(statistics.batches == epochs * 38)
        #expect(statistics.samples == epochs * count)
        #expect(statistics.liveWorkers == 0)
        #expect(statistics.peakJobsInFlight <= setup.workers * setup.prefetch)
    }

    /// The loader's own passes (`for try await batch in loader`, `makeIterator()`) are its epochs in turn.
    @Test func successivePassesOverTheLoaderAreItsEpochsInTurn() async throws {
        let loader = DataLoader(JitteredDataset(count: 90), batchSize: 7, shuffle: true, workers: 4, prefetch: 1, seed: 5)
        let reference = DataLoader(JitteredDataset(count: 90, delayMicroseconds: 0), batchSize: 7, shuffle: true, seed: 5)
        for pass in 0..<(8 * Self.scale) {
            var batches: [Batch] = []
            if pass.isMultiple(of: 2) {
                for try await batch in loader { batches.append(batch) }
            } else {
                var iterator = loader.makeIterator()
                while let batch = try iterator.next() { batches.append(batch) }
            }
            #expect(batches == (try collect(reference.epoch(pass + 1))), "pass \(pass)")
        }
        #expect(loader.statistics.liveWorkers == 0)
    }

    /// Four epochs of one loader read at the same time, two by tasks and two by blocking iterators:
    /// sixteen worker threads share the dataset and the loader's statistics.
    @Test func epochsOfOneLoaderReadAtOnceStayApart() async throws {
        let loader = DataLoader(JitteredDataset(count: 120), batchSize: 6, shuffle: true, workers: 4, prefetch: 2, seed: 77)
        let reference = DataLoader(JitteredDataset(count: 120, delayMicroseconds: 0), batchSize: 6, shuffle: true, seed: 77)
        let rounds = 3 * Self.scale
        for round in 0..<rounds {
            let epochs = Array(round * 4..<round * 4 + 4)
            let results = await withTaskGroup(of: (Int, [Batch], (any Error)?).self) { group in
                for epoch in epochs {
                    group.addTask {
                        let (batches, error) = await read(loader.epoch(epoch + 1), asynchronously: epoch.isMultiple(of: 2))
                        return (epoch, batches, error)
                    }
                }
                return await group.reduce(into: [Int: ([Batch], (any Error)?)]()) { $0[$1.0] = ($1.1, $1.2) }
            }
            for epoch in epochs {
                let (batches, error) = try #require(results[epoch])
                #expect(error == nil)
                #expect(batches == (try collect(reference.epoch(epoch + 1))), "epoch \(epoch)")
            }
        }
        #expect(loader.statistics.batches == rounds * 4 * 20)
        #expect(loader.statistics.liveWorkers == 0)
    }

    /// Leaving `for try await` with `break`, or dropping the blocking iterator, at any batch while
    /// workers are reading ahead: exactly the batches before it, and every worker leaves.
    @Test(arguments: [3, 4])
    func breakingMidEpochGivesAnExactPrefixAndTheWorkersLeave(workers: Int) async throws {
        let count = 200, batchSize = 4
        let loader = DataLoader(JitteredDataset(count: count), batchSize: batchSize, shuffle: true, workers: workers, prefetch: 2, seed: 11)
        let reference = DataLoader(JitteredDataset(count: count, delayMicroseconds: 0), batchSize: batchSize, shuffle: true, seed: 11)
        let expectedEpochs = try (0..<3).map { try collect(reference.epoch($0 + 1)) }
        for round in 0..<(16 * Self.scale) {
            let epoch = round % 3
            let expected = expectedEpochs[epoch]
            // From the first batch to the last but one, where the workers are still busy.
            let stop = 1 + (round * 17) % (expected.count - 1)
            var delivered: [Batch] = []
            if round.isMultiple(of: 2) {
                for try await batch in loader.epoch(epoch + 1) {
                    delivered.append(batch)
                    if delivered.count == stop { break }
                }
            } else {
                do {
                    var iterator = loader.epoch(epoch + 1).makeIterator()
                    while let batch = try iterator.next() {
                        delivered.append(batch)
                        if delivered.count == stop { break }
                    }
                }
            }
            #expect(delivered == Array(expected.prefix(stop)), "round \(round)")
            #expect(await eventually { loader.statistics.liveWorkers == 0 })
        }
        #expect(loader.statistics.peakJobsInFlight <= workers * 2)
    }

    /// The consuming task cancels itself after a few batches, while workers are still reading
    /// ahead: the next `next()` throws, after exactly those batches.
    @Test(arguments: [3, 4])
    func cancellingMidEpochEndsWithAnExactPrefixAndTheWorkersLeave(workers: Int) async throws {
        let count = 400, batchSize = 4
        let reference = DataLoader(JitteredDataset(count: count, delayMicroseconds: 0), batchSize: batchSize, shuffle: true, seed: 3)
        let expected = try collect(reference.epoch(1))
        for round in 0..<(10 * Self.scale) {
            let loader = DataLoader(
                JitteredDataset(count: count), batchSize: batchSize, shuffle: true, workers: workers, prefetch: 1 + round % 3, seed: 3)
            let stop = 1 + round % 5
            let consumer = Task { () -> ([Batch], (any Error)?) in
                var delivered: [Batch] = []
                do {
                    for try await batch in loader {
                        delivered.append(batch)
                        if delivered.count == stop { withUnsafeCurrentTask { $0?.cancel() } }
                    }
                    return (delivered, nil)
                } catch {
                    return (delivered, error)
                }
            }
            let (delivered, error) = await consumer.value
            #expect(error is CancellationError, "round \(round): \(String(describing: error))")
            #expect(delivered == Array(expected.prefix(stop)), "round \(round)")
            #expect(await eventually { loader.statistics.liveWorkers == 0 })
        }
    }

    /// Cancels the consuming task from outside while it waits for a batch whose samples every
    /// worker is stuck reading (they block until the test lets them go): the loop ends with
    /// `CancellationError` after exactly the earlier batches, and every worker leaves.
    @Test(arguments: [3, 4])
    func cancellingDuringABlockedReadEndsWithAnExactPrefixAndTheWorkersLeave(workers: Int) async throws {
        let count = 200, batchSize = 4
        let expected = try collect(DataLoader(RangeDataset(count: count), batchSize: batchSize).epoch(1))
        for round in 0..<(6 * Self.scale) {
            let stop = 1 + round % 5
            let gate = ReadGate()
            let dataset = GatedDataset(count: count, firstGatedIndex: stop * batchSize, gate: gate)
            let loader = DataLoader(dataset, batchSize: batchSize, workers: workers, prefetch: 1 + round % 3)
            let consumer = Task { () -> ([Batch], (any Error)?) in
                var delivered: [Batch] = []
                do {
                    for try await batch in loader { delivered.append(batch) }
                    return (delivered, nil)
                } catch {
                    return (delivered, error)
                }
            }
            // Batch `stop` cannot be read until the gate opens, so the consumer stops there.
            while loader.statistics.batches < stop || gate.waitingReads == 0 { try await Task.sleep(for: .milliseconds(1)) }
            consumer.cancel()
            gate.open()
            let (delivered, error) = await consumer.value
            #expect(error is CancellationError, "round \(round): \(String(describing: error))")
            #expect(delivered == Array(expected.prefix(stop)), "round \(round)")
            #expect(await eventually { loader.statistics.liveWorkers == 0 })
        }
    }

    /// A sample failing mid-epoch, with workers racing past it: every earlier batch arrives, in
    /// order, then the error naming the sample, and every worker leaves.
    @Test(arguments: Setup.all)
    func aFailureMidEpochArrivesAfterExactlyTheEarlierBatches(setup: Setup) async throws {
        let count = 120, batchSize = 5
        let reference = try collect(DataLoader(RangeDataset(count: count), batchSize: batchSize).epoch(1))
        for round in 0..<(6 * Self.scale) {
            let failingIndex = (round * 37 + 11) % count
            let loader = DataLoader(
                FailingDataset(count: count, failingIndex: failingIndex), batchSize: batchSize, workers: setup.workers,
                prefetch: setup.prefetch)
            let (delivered, error) = await read(loader.epoch(1), asynchronously: round.isMultiple(of: 2), pauseMicroseconds: setup.pauseMicroseconds)
            #expect((error as? LoaderError)?.location == .sampleIndex(failingIndex), "round \(round): \(String(describing: error))")
            #expect(delivered == Array(reference.prefix(failingIndex / batchSize)), "round \(round)")
            #expect(await eventually { loader.statistics.liveWorkers == 0 })
        }
    }

    // MARK: StreamingDataLoader

    /// Ten shards of uneven sizes, one of them empty: 138 samples.
    private static let shardSizes = [17, 0, 23, 5, 31, 12, 1, 26, 9, 14]

    /// As `manyEpochsGiveExactlyTheBatchesOfTheRunWithoutWorkers`, for shards read whole by workers
    /// through a shuffle buffer and batched by the consumer.
    @Test(arguments: Setup.all)
    func streamingEpochsGiveExactlyTheBatchesOfTheRunWithoutWorkers(setup: Setup) async throws {
        let sizes = Self.shardSizes, epochs = 6 * Self.scale
        let allIds = sizes.enumerated().flatMap { shard, size in (0..<size).map { 1000 * shard + $0 } }
        let loader = StreamingDataLoader(
            JitteredShards(sizes: sizes), batchSize: 5, shuffleBuffer: 8, workers: setup.workers, prefetch: setup.prefetch,
            seed: 31)
        let reference = StreamingDataLoader(JitteredShards(sizes: sizes, delayMicroseconds: 0), batchSize: 5, shuffleBuffer: 8, seed: 31)
        for epoch in 0..<epochs {
            let expected = try collect(reference.epoch(epoch + 1))
            #expect(expected.flatMap(ids(of:)).sorted() == allIds)
            let (batches, error) = await read(loader.epoch(epoch + 1), asynchronously: epoch.isMultiple(of: 2), pauseMicroseconds: setup.pauseMicroseconds)
            #expect(error == nil)
            #expect(batches == expected, "epoch \(epoch)")
        }
        #expect(loader.statistics.batches == epochs * 28)
        #expect(loader.statistics.liveWorkers == 0)
        #expect(loader.statistics.peakJobsInFlight <= setup.workers)
    }

    /// `break`, a dropped blocking iterator and self-cancellation, in turn, at any batch of a
    /// streaming epoch: exactly the batches before it, and every worker leaves.
    @Test(arguments: [3, 4])
    func streamingBreakAndCancellationMidEpochGiveAnExactPrefix(workers: Int) async throws {
        let sizes = Self.shardSizes
        let loader = StreamingDataLoader(JitteredShards(sizes: sizes), batchSize: 3, shuffleBuffer: 5, workers: workers, prefetch: 1, seed: 8)
        let reference = StreamingDataLoader(JitteredShards(sizes: sizes, delayMicroseconds: 0), batchSize: 3, shuffleBuffer: 5, seed: 8)
        let expectedEpochs = try (0..<3).map { try collect(reference.epoch($0 + 1)) }
        for round in 0..<(12 * Self.scale) {
            let epoch = round % 3
            let expected = expectedEpochs[epoch]
            let stop = 1 + (round * 13) % (expected.count - 1)
            let delivered: [Batch]
            switch round % 3 {
            case 0:
                var batches: [Batch] = []
                for try await batch in loader.epoch(epoch + 1) {
                    batches.append(batch)
                    if batches.count == stop { break }
                }
                delivered = batches
            case 1:
                var batches: [Batch] = []
                do {
                    var iterator = loader.epoch(epoch + 1).makeIterator()
                    while let batch = try iterator.next() {
                        batches.append(batch)
                        if batches.count == stop { break }
                    }
                }
                delivered = batches
            default:
                let consumer = Task { () -> ([Batch], (any Error)?) in
                    var batches: [Batch] = []
                    do {
                        for try await batch in loader.epoch(epoch + 1) {
                            batches.append(batch)
                            if batches.count == stop { withUnsafeCurrentTask { $0?.cancel() } }
                        }
                        return (batches, nil)
                    } catch {
                        return (batches, error)
                    }
                }
                let (batches, error) = await consumer.value
                #expect(error is CancellationError, "round \(round): \(String(describing: error))")
                delivered = batches
            }
            #expect(delivered == Array(expected.prefix(stop)), "round \(round)")
            #expect(await eventually { loader.statistics.liveWorkers == 0 })
        }
    }

    // MARK: Real formats

    /// MNIST's test split streamed from its gzip files in four shards by three workers, each
    /// inflating with its own zlib stream, against the same epoch read on the consuming thread.
    @Test func gzipShardsOnWorkersMatchTheRunWithoutWorkers() async throws {
        let mnist = try MNIST(directory: IDXFixtures.mnist, split: .test, shards: 4)
        let parallel = StreamingDataLoader(mnist, batchSize: 100, shuffleBuffer: 16, workers: 3, prefetch: 1, seed: 1)
        let inline = StreamingDataLoader(mnist, batchSize: 100, shuffleBuffer: 16, seed: 1)
        var expected = inline.epoch(1).makeIterator()
        var batches = 0
        for try await batch in parallel.epoch(1) {
            #expect(batch == (try expected.next()), "batch \(batches)")
            batches += 1
        }
        #expect(try expected.next() == nil)
        #expect(batches == 100)
        #expect(parallel.statistics.liveWorkers == 0)
    }

    /// A CSV file cut into byte-range shards, parsed by four workers at once.
    @Test func csvShardsOnWorkersMatchTheRunWithoutWorkers() throws {
        let streaming = try CSVStreamingDataset(CSVFixturePaths.csv("mnist_test_head.csv"), shape: [1, 28, 28], shards: 8)
        #expect(streaming.shardCount > 1)
        let parallel = StreamingDataLoader(streaming, batchSize: 8, shuffleBuffer: 4, workers: 4, prefetch: 1, seed: 2)
        let inline = StreamingDataLoader(streaming, batchSize: 8, shuffleBuffer: 4, seed: 2)
        for epoch in 0..<(2 * Self.scale) {
            var expected = inline.epoch(epoch + 1).makeIterator()
            var batches = parallel.epoch(epoch + 1).makeIterator()
            var count = 0
            while let batch = try batches.next() {
                #expect(batch == (try expected.next()), "epoch \(epoch) batch \(count)")
                count += 1
            }
            #expect(try expected.next() == nil)
            #expect(count > 0)
        }
        #expect(parallel.statistics.liveWorkers == 0)
    }
}
