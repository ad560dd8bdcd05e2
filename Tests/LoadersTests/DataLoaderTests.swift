import Foundation
import Testing
@testable import Loaders

@Suite struct DataLoaderTests {
    private func collect(_ epoch: LoaderEpoch<Batch>) async throws -> [[Int]] {
        var result: [[Int]] = []
        for try await batch in epoch { result.append(indices(of: batch)) }
        return result
    }

    private func collectSync(_ epoch: LoaderEpoch<Batch>) throws -> [[Int]] {
        var iterator = epoch.makeIterator()
        var result: [[Int]] = []
        while let batch = try iterator.next() { result.append(indices(of: batch)) }
        return result
    }

    @Test func batchesFollowTheSamplerWithoutWorkers() async throws {
        let loader = DataLoader(RangeDataset(count: 10), batchSize: 4)
        #expect(loader.count == 3)
        #expect(try await collect(loader.epoch(1)) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
        let dropping = DataLoader(RangeDataset(count: 10), batchSize: 4, dropLast: true)
        #expect(try collectSync(dropping.epoch(1)) == [[0, 1, 2, 3], [4, 5, 6, 7]])
        var iterator = loader.makeIterator()
        let first = try #require(try iterator.next())
        #expect(first.features.shape == [4, 2])
        #expect(first.labels!.scalars == [0, 1, 2, 3])
    }

    @Test(arguments: [0, 1, 3])
    func aSeedGivesTheSameBatchesWhateverTheWorkerCount(workers: Int) async throws {
        let dataset = RangeDataset(count: 50)
        let loader = DataLoader(dataset, batchSize: 7, shuffle: true, workers: workers, prefetch: 2, seed: 42)
        let expected = BatchSampler(RandomSampler(count: 50, seed: 42), batchSize: 7, dropLast: false)
        for epoch in 0..<2 {
            #expect(try await collect(loader.epoch(epoch + 1)) == expected.batches(epoch: epoch + 1))
            #expect(try collectSync(loader.epoch(epoch + 1)) == expected.batches(epoch: epoch + 1))
        }
        #expect(expected.batches(epoch: 1) != expected.batches(epoch: 2))
        #expect(loader.statistics.liveWorkers == 0)
        #expect(loader.statistics.batches == 4 * 8)
        #expect(loader.statistics.samples == 4 * 50)
    }

    @Test func eachPassOverTheLoaderIsTheNextEpoch() async throws {
        let loader = DataLoader(RangeDataset(count: 20), batchSize: 5, shuffle: true, workers: 2, seed: 7)
        var passes: [[[Int]]] = []
        for _ in 0..<2 {
            var pass: [[Int]] = []
            for try await batch in loader { pass.append(indices(of: batch)) }
            passes.append(pass)
        }
        var third: [[Int]] = []
        var iterator = loader.makeIterator()
        while let batch = try iterator.next() { third.append(indices(of: batch)) }
        let sampler = BatchSampler(RandomSampler(count: 20, seed: 7), batchSize: 5, dropLast: false)
        #expect(passes == [sampler.batches(epoch: 1), sampler.batches(epoch: 2)])
        #expect(third == sampler.batches(epoch: 3))
    }

    @Test func customSamplersAndBatchSamplersAreUsed() async throws {
        let dataset = RangeDataset(count: 30)
        let subset = SubsetRandomSampler(indices: [1, 3, 5, 7, 9, 11], seed: 3)
        let loader = DataLoader(dataset, sampler: subset, batchSize: 4, workers: 2)
        #expect(try await collect(loader.epoch(2)) == BatchSampler(subset, batchSize: 4, dropLast: false).batches(epoch: 2))

        struct Pairs: BatchSampling {
            let count = 3
            func batches(epoch: Int) -> [[Int]] { [[29, 0], [epoch, 15], [2, 2]] }
        }
        let custom = DataLoader(dataset, batchSampler: Pairs(), workers: 3, prefetch: 1)
        #expect(try collectSync(custom.epoch(4)) == [[29, 0], [4, 15], [2, 2]])
    }

    /// Expected batch counts from PyTorch's BatchSampler rules: ceil(n / b), or floor(n / b) with dropLast.
    @Test(arguments: [
        (count: 0, batchSize: 4, dropLast: false, workers: 3, expected: [[Int]]()),
        (count: 0, batchSize: 4, dropLast: true, workers: 0, expected: []),
        (count: 5, batchSize: 8, dropLast: true, workers: 2, expected: []),
        (count: 5, batchSize: 8, dropLast: false, workers: 2, expected: [[0, 1, 2, 3, 4]]),
        (count: 5, batchSize: 3, dropLast: false, workers: 8, expected: [[0, 1, 2], [3, 4]]),
    ])
    func emptyEpochsAndMoreWorkersThanBatchesEndCleanly(
        count: Int, batchSize: Int, dropLast: Bool, workers: Int, expected: [[Int]]
    ) async throws {
        let loader = DataLoader(RangeDataset(count: count), batchSize: batchSize, dropLast: dropLast, workers: workers)
        #expect(loader.count == expected.count)
        let finished = await expectFinishes(within: 10) {
            do {
                #expect(try await self.collect(loader.epoch(1)) == expected)
                #expect(try self.collectSync(loader.epoch(2)) == expected)
                var iterator = loader.epoch(3).makeAsyncIterator()
                while try await iterator.next() != nil {}
                // Asking again after the end stays at the end.
                #expect(try await iterator.next() == nil)
            } catch {
                Issue.record("unexpected error \(error)")
            }
        }
        #expect(finished)
        #expect(loader.statistics.liveWorkers == 0)
    }

    @Test(arguments: [1, 4])
    func aDatasetFailingOnItsFirstBatchThrowsBeforeAnyBatch(workers: Int) async throws {
        let loader = DataLoader(FailingDataset(count: 30, failingIndex: 1), batchSize: 4, workers: workers, prefetch: 1)
        var delivered = 0
        do {
            for try await _ in loader { delivered += 1 }
            Issue.record("the failing sample was never reported")
        } catch let error as LoaderError {
            #expect(error.location == .sampleIndex(1))
            #expect(error.message.contains("batch 1"))
        }
        #expect(delivered == 0)
        #expect(await eventually { loader.statistics.liveWorkers == 0 })
    }

    @Test(arguments: [0, 1, 3])
    func anErrorArrivesAtItsBatchAfterEveryEarlierBatch(workers: Int) async throws {
        let loader = DataLoader(FailingDataset(count: 40, failingIndex: 23), batchSize: 5, workers: workers, prefetch: 2)
        var iterator = loader.epoch(1).makeAsyncIterator()
        var delivered: [[Int]] = []
        do {
            while let batch = try await iterator.next() { delivered.append(indices(of: batch)) }
            Issue.record("the failing sample was never reported")
        } catch let error as LoaderError {
            #expect(error.code == .malformed)
            #expect(error.location == .sampleIndex(23))
            #expect(error.path == "synthetic.bin")
            #expect(error.message.contains(workers == 0 ? "consuming thread" : "worker "))
            #expect(error.message.contains("batch 5"))
            let underlying = try #require(error.underlying as? LoaderError)
            #expect(underlying.location == .byteOffset(23 * 8))
        }
        #expect(delivered == (0..<4).map { Array($0 * 5..<$0 * 5 + 5) })
        #expect(try await iterator.next() == nil)
        #expect(await eventually { loader.statistics.liveWorkers == 0 })
    }

    @Test func aSynchronousErrorEndsTheEpochToo() throws {
        let loader = DataLoader(FailingDataset(count: 12, failingIndex: 0), batchSize: 3, workers: 2)
        var iterator = loader.makeIterator()
        #expect(throws: LoaderError.self) { try iterator.next() }
        #expect(try iterator.next() == nil)
        #expect(eventuallySync { loader.statistics.liveWorkers == 0 })
    }

    /// An epoch ending early does not wait for the reads in progress; their workers exit after them.
    @Test func breakingOutOfTheLoopJoinsTheWorkers() async throws {
        let counter = ReadCounter()
        let loader = DataLoader(
            CountingDataset(count: 400, counter: counter, delayMicroseconds: 2_000), batchSize: 4, workers: 3, prefetch: 2)
        var seen = 0
        for try await _ in loader {
            seen += 1
            if seen == 2 { break }
        }
        #expect(seen == 2)
        #expect(await eventually { loader.statistics.liveWorkers == 0 })
        #expect(counter.batchesStarted < 100)
    }

    @Test func droppingASynchronousIteratorJoinsTheWorkers() throws {
        let counter = ReadCounter()
        let loader = DataLoader(
            CountingDataset(count: 400, counter: counter, delayMicroseconds: 2_000), batchSize: 4, workers: 3, prefetch: 2)
        do {
            var iterator = loader.makeIterator()
            _ = try iterator.next()
            #expect(loader.statistics.liveWorkers == 3)
        }
        #expect(eventuallySync { loader.statistics.liveWorkers == 0 })
        let startedAtDrop = counter.batchesStarted
        usleep(50_000)
        #expect(counter.batchesStarted == startedAtDrop)
    }

    @Test func cancellingTheConsumingTaskEndsPromptly() async throws {
        let counter = ReadCounter()
        // Whole epoch: 1,000 batches × 4 samples × 5 ms ≈ 7 s with 3 workers; cancellation must not wait for it.
        let loader = DataLoader(
            CountingDataset(count: 4_000, counter: counter, delayMicroseconds: 5_000), batchSize: 4, workers: 3, prefetch: 2)
        let consumer = Task {
            var batches = 0
            do {
                for try await _ in loader { batches += 1 }
                return "finished after \(batches)"
            } catch is CancellationError {
                return "cancelled"
            }
        }
        while loader.statistics.batches < 2 { try await Task.sleep(for: .milliseconds(5)) }
        consumer.cancel()
        let finished = await expectFinishes(within: 20) { _ = try? await consumer.value }
        #expect(finished)
        #expect(try await consumer.value == "cancelled")
        #expect(await eventually { loader.statistics.liveWorkers == 0 })
        #expect(counter.batchesStarted < 1_000)
    }

    @Test func aSlowConsumerNeverHasMoreThanWorkersTimesPrefetchBatchesInFlight() throws {
        let counter = ReadCounter()
        let workers = 2, prefetch = 3
        let loader = DataLoader(CountingDataset(count: 120, counter: counter), batchSize: 4, workers: workers, prefetch: prefetch)
        var iterator = loader.makeIterator()
        var received = 0
        var peak = 0
        while try iterator.next() != nil {
            received += 1
            // Batches read or being read that the consumer has not taken yet.
            let inFlight = counter.batchesStarted - received
            peak = max(peak, inFlight)
            #expect(inFlight <= workers * prefetch)
            usleep(2_000)
        }
        #expect(received == 30)
        #expect(peak >= 1)
        #expect(loader.statistics.peakJobsInFlight <= workers * prefetch)
        #expect(loader.statistics.liveWorkers == 0)
    }

    @Test func consumingFromAnActorWorks() async throws {
        actor Trainer {
            var seen: [[Int]] = []
            func consume(_ loader: DataLoader<RangeDataset>) async throws {
                for try await batch in loader { seen.append(indices(of: batch)) }
            }
        }
        let trainer = Trainer()
        let loader = DataLoader(RangeDataset(count: 9), batchSize: 2, workers: 2)
        try await trainer.consume(loader)
        #expect(await trainer.seen == [[0, 1], [2, 3], [4, 5], [6, 7], [8]])
    }

    @Test func manyShortEpochsEndCleanly() async throws {
        // Sweeps window sizes, early exits and failures over many seeds, to shake out lost wake-ups.
        let finished = await expectFinishes(within: 60) {
            for seed in 0..<60 {
                for (workers, prefetch) in [(1, 1), (2, 1), (3, 2)] {
                    let loader = DataLoader(RangeDataset(count: 37), batchSize: 3, shuffle: true, workers: workers, prefetch: prefetch, seed: UInt64(seed))
                    var batches = 0
                    do {
                        for try await _ in loader { batches += 1 }
                        var iterator = loader.makeIterator()
                        while try iterator.next() != nil { batches += 1 }
                        for try await _ in loader {
                            batches += 1
                            if batches == 27 + seed % 13 { break }
                        }
                    } catch {
                        Issue.record("unexpected error \(error)")
                    }
                    #expect(batches == 27 + seed % 13)
                    let failing = DataLoader(FailingDataset(count: 37, failingIndex: seed % 37), batchSize: 4, workers: workers, prefetch: prefetch)
                    var delivered = 0
                    do {
                        for try await _ in failing { delivered += 1 }
                        Issue.record("no error for sample \(seed % 37)")
                    } catch {
                        #expect(delivered == (seed % 37) / 4)
                    }
                    #expect(await eventually { loader.statistics.liveWorkers == 0 && failing.statistics.liveWorkers == 0 })
                }
            }
        }
        #expect(finished)
    }

    @Test func aForeignErrorIsWrappedWithTheSampleIndex() throws {
        struct Unreadable: Error {}
        let dataset = RangeDataset(count: 10).map { example -> Example in
            if example.label == 6 { throw Unreadable() }
            return example
        }
        let loader = DataLoader(dataset, batchSize: 4, workers: 1)
        var iterator = loader.makeIterator()
        #expect(try iterator.next() != nil)
        do {
            _ = try iterator.next()
            Issue.record("sample 6 did not fail")
        } catch let error as LoaderError {
            #expect(error.code == .sampleFailed)
            #expect(error.location == .sampleIndex(6))
            #expect(error.underlying is Unreadable)
            #expect(error.message.contains("worker 0"))
        }
    }
}

