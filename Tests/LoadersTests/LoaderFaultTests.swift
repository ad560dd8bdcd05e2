import Foundation
import Testing
@testable import Loaders

/// The loaders under faults: failing and missing files, hung and slow reads, consumers that stop,
/// cancel or run many epochs. Each test states what the user is promised.
@Suite struct LoaderFaultTests {
    private func namesAWorker(_ message: String) -> Bool {
        message.range(of: #"worker [0-9]+ "#, options: .regularExpression) != nil
    }

    // MARK: A sample that throws mid-epoch

    @Test(arguments: [1, 3], [false, true])
    func aSampleThrowingMidEpochArrivesInOrderNamedAndItsWorkersExit(workers: Int, async: Bool) async throws {
        let dataset = TrackedFailingDataset(count: 40, failingIndex: 23)
        let loader = DataLoader(dataset, batchSize: 5, workers: workers, prefetch: 2)
        let outcome = await consume(loader, async: async)
        #expect(outcome.delivered.map(indices(of:)) == (0..<4).map { Array($0 * 5..<$0 * 5 + 5) })
        let error = try #require(outcome.error)
        #expect(error.code == .malformed)
        #expect(error.path == "synthetic.bin")
        #expect(error.location == .sampleIndex(23))
        #expect(error.message.contains("failed reading batch 5"))
        // The sample is named once: by the place, not again by the message or its cause's.
        #expect(error.description.components(separatedBy: "sample 23").count == 2, "\(error)")
        #expect(namesAWorker(error.message))
        let underlying = try #require(error.underlying as? LoaderError)
        #expect(underlying.location == .byteOffset(23 * 8))
        #expect(outcome.endsAfterError)
        #expect(!dataset.threads.threadIDs.isEmpty)
        #expect(await eventually { dataset.threads.liveThreadIDs.isEmpty && loader.statistics.liveWorkers == 0 })
    }

    @Test(arguments: [1, 3], [false, true])
    func aStreamThrowingMidEpochArrivesAfterItsSamplesNamedAndItsWorkersExit(workers: Int, async: Bool) async throws {
        let dataset = StallingShardedDataset(sizes: [4, 4, 6], failure: (shard: 2, position: 3))
        let loader = StreamingDataLoader(dataset, batchSize: 2, shuffleShards: false, workers: workers, prefetch: 1)
        let outcome = await consume(loader, async: async)
        #expect(outcome.delivered.map(ids(of:)) == [[0, 1], [2, 3], [1000, 1001], [1002, 1003], [2000, 2001]])
        let error = try #require(outcome.error)
        #expect(error.code == .truncated)
        #expect(error.path == "shard2.bin")
        #expect(error.location == .byteOffset(3))
        #expect(error.message.contains("reading shard 2 after its sample 3"))
        #expect(namesAWorker(error.message))
        #expect(error.underlying is LoaderError)
        #expect(outcome.endsAfterError)
        #expect(await eventually { dataset.threads.liveThreadIDs.isEmpty && loader.statistics.liveWorkers == 0 })
    }

    // MARK: An error opening a file in a worker

    @Test(arguments: [0, 2])
    func aMissingPerSampleFileIsNamedWithTheSystemsReason(workers: Int) async throws {
        let dataset = try PerSampleFileDataset.make(count: 24)
        defer { try? FileManager.default.removeItem(atPath: dataset.directory) }
        try FileManager.default.removeItem(atPath: dataset.path(of: 13))
        let outcome = await consume(DataLoader(dataset, batchSize: 4, workers: workers), async: true)
        #expect(outcome.delivered.map(indices(of:)) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]])
        let error = try #require(outcome.error)
        #expect(error.code == .io)
        #expect(error.path == dataset.path(of: 13))
        #expect(error.location == .sampleIndex(13))
        #expect(error.description.contains("cannot open: No such file or directory"))
        #expect(error.message.contains("failed reading batch 4"))
        #expect(error.description.components(separatedBy: "sample 13").count == 2, "\(error)")
        #expect(await eventually { ProcessResources.descriptorsOpen(under: dataset.directory) == 0 })
    }

    @Test(arguments: [0, 2], [false, true])
    func aShardFileRemovedAfterTheLoaderWasMadeIsNamedWithTheSystemsReason(workers: Int, async: Bool) async throws {
        let directory = try copyOfMNISTTestFiles()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let images = "\(directory)/t10k-images-idx3-ubyte.gz"
        let dataset = try IDXDataset(images: images, labels: "\(directory)/t10k-labels-idx1-ubyte.gz", shards: 4)
        let loader = StreamingDataLoader(dataset, batchSize: 100, workers: workers)
        try FileManager.default.removeItem(atPath: images)
        let outcome = await consume(loader, async: async)
        #expect(outcome.delivered.isEmpty)
        let error = try #require(outcome.error)
        #expect(error.code == .io)
        #expect(error.path == images)
        #expect(error.description.contains("cannot open: No such file or directory"))
        #expect(error.message.contains("opening shard"))
        #expect(await eventually {
            ProcessResources.descriptorsOpen(under: directory) == 0 && loader.statistics.liveWorkers == 0
        })
    }

    // MARK: A worker that hangs

    @Test(arguments: [false, true])
    func aHungReadEndsTheEpochWithATimeoutNamingTheBatchAndItsWorker(async: Bool) async throws {
        // Hung for two minutes, as far as a 0.3 s timeout can tell; the test opens the gate sooner.
        let gate = Gate(holdSeconds: 120)
        let dataset = StallingDataset(count: 40, stallingIndex: 22, gate: gate)
        let loader = DataLoader(dataset, batchSize: 4, workers: 2, prefetch: 1, timeout: .milliseconds(300))
        let outcome = await consume(loader, async: async)
        // Ending the epoch did not wait for the hung read.
        #expect(gate.departures == 0)
        // Batch 5 holds samples 20..<24, and sample 22 never returns while the gate is closed.
        #expect(outcome.delivered.map(indices(of:)) == (0..<5).map { Array($0 * 4..<$0 * 4 + 4) })
        let error = try #require(outcome.error)
        #expect(error.code == .timedOut)
        #expect(error.message.range(of: #"^batch 6 was not ready within the timeout of 0\.3 seconds: worker [01] is still reading it$"#,
                                    options: .regularExpression) != nil, "\(error.message)")
        #expect(outcome.endsAfterError)
        // The hung thread cannot be killed: it lives on alone, detached, until its read returns.
        #expect(await eventually { dataset.threads.liveThreadIDs.count == 1 && loader.statistics.liveWorkers == 1 })
        gate.open()
        #expect(await eventually { dataset.threads.liveThreadIDs.isEmpty && loader.statistics.liveWorkers == 0 })
    }

    @Test(arguments: [false, true])
    func aHungShardEndsTheStreamingEpochWithATimeoutNamingTheBatchShardAndWorker(async: Bool) async throws {
        // Hung for two minutes, as far as a 0.3 s timeout can tell; the test opens the gate sooner.
        let gate = Gate(holdSeconds: 120)
        let dataset = StallingShardedDataset(sizes: [4, 4, 6], stall: (shard: 1, position: 2), gate: gate)
        let loader = StreamingDataLoader(
            dataset, batchSize: 2, shuffleShards: false, workers: 2, prefetch: 1, timeout: .milliseconds(300))
        let outcome = await consume(loader, async: async)
        // Ending the epoch did not wait for the hung read.
        #expect(gate.departures == 0)
        #expect(outcome.delivered.map(ids(of:)) == [[0, 1], [2, 3], [1000, 1001]])
        let error = try #require(outcome.error)
        #expect(error.code == .timedOut)
        #expect(error.message.range(of: #"^batch 4 was not ready within the timeout of 0\.3 seconds: worker [01] is still reading shard 1$"#,
                                    options: .regularExpression) != nil, "\(error.message)")
        #expect(outcome.endsAfterError)
        #expect(await eventually { dataset.threads.liveThreadIDs.count == 1 && loader.statistics.liveWorkers == 1 })
        gate.open()
        #expect(await eventually { dataset.threads.liveThreadIDs.isEmpty && loader.statistics.liveWorkers == 0 })
    }

    /// Slow reads well within the timeout deliver every batch: the timer only ends real stalls.
    @Test(arguments: [false, true])
    func readsWithinTheTimeoutDeliverEveryBatch(async: Bool) async throws {
        let counter = ReadCounter()
        let dataset = CountingDataset(count: 60, counter: counter, delayMicroseconds: 1_000)
        let loader = DataLoader(dataset, batchSize: 4, shuffle: true, workers: 2, prefetch: 1, seed: 3, timeout: .seconds(30))
        let expected = BatchSampler(RandomSampler(count: 60, seed: 3), batchSize: 4, dropLast: false).batches(epoch: 1)
        let outcome = await consume(loader, async: async)
        #expect(outcome.error == nil)
        #expect(outcome.delivered.map(indices(of:)) == expected)
        let streaming = StreamingDataLoader(
            ShardedRangeDataset(sizes: [5, 0, 7, 3]), batchSize: 2, shuffleShards: false, workers: 2, prefetch: 1,
            timeout: .seconds(30))
        let streamed = await consume(streaming, async: async)
        #expect(streamed.error == nil)
        #expect(streamed.delivered.flatMap(ids(of:)) == [0, 1, 2, 3, 4, 2000, 2001, 2002, 2003, 2004, 2005, 2006, 3000, 3001, 3002])
    }

    // MARK: The consumer stopping early or being slow

    @Test(arguments: [false, true])
    func stoppingEarlyGivesBackEveryThreadAndDescriptorAndStaysWithinThePrefetchBound(async: Bool) async throws {
        let dataset = try PerSampleFileDataset.make(count: 400)
        defer { try? FileManager.default.removeItem(atPath: dataset.directory) }
        let workers = 3, prefetch = 2
        let loader = DataLoader(dataset, batchSize: 4, workers: workers, prefetch: prefetch)
        var seen = 0
        if async {
            for try await _ in loader {
                seen += 1
                if seen == 3 { break }
            }
        } else {
            var iterator = loader.makeIterator()
            while seen < 3, try iterator.next() != nil { seen += 1 }
        }
        #expect(seen == 3)
        #expect(loader.statistics.peakJobsInFlight <= workers * prefetch)
        #expect(await eventually {
            dataset.threads.liveThreadIDs.isEmpty && loader.statistics.liveWorkers == 0
                && ProcessResources.descriptorsOpen(under: dataset.directory) == 0
        })
        #expect(!dataset.threads.threadIDs.isEmpty)
    }

    @Test(arguments: [false, true])
    func stoppingAStreamEarlyClosesItsShardFilesAndEndsItsThreads(async: Bool) async throws {
        let directory = try copyOfMNISTTestFiles()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let dataset = try IDXDataset(
            images: "\(directory)/t10k-images-idx3-ubyte.gz", labels: "\(directory)/t10k-labels-idx1-ubyte.gz", shards: 8)
        let loader = StreamingDataLoader(dataset, batchSize: 10, workers: 3, prefetch: 1)
        var openWhileReading = 0
        if async {
            var seen = 0
            for try await _ in loader {
                seen += 1
                openWhileReading = max(openWhileReading, ProcessResources.descriptorsOpen(under: directory))
                if seen == 3 { break }
            }
        } else {
            var iterator = loader.makeIterator()
            for _ in 0..<3 {
                _ = try iterator.next()
                openWhileReading = max(openWhileReading, ProcessResources.descriptorsOpen(under: directory))
            }
        }
        // The open shards hold an images and a labels file each while they are read...
        #expect(openWhileReading >= 2)
        #expect(loader.statistics.peakJobsInFlight <= 3)
        // ...and close them once the epoch is dropped.
        #expect(await eventually {
            ProcessResources.descriptorsOpen(under: directory) == 0 && loader.statistics.liveWorkers == 0
        })
    }

    @Test func aSlowStreamingConsumerHoldsAtMostOneShardPerWorker() throws {
        let workers = 2
        let dataset = StallingShardedDataset(sizes: Array(repeating: 12, count: 10))
        let loader = StreamingDataLoader(dataset, batchSize: 3, shuffleBuffer: 4, workers: workers, prefetch: 2, seed: 1)
        var iterator = loader.makeIterator()
        var samples = 0
        while let batch = try iterator.next() {
            samples += batch.count
            usleep(2_000)
        }
        #expect(samples == 120)
        #expect(loader.statistics.peakJobsInFlight >= 1)
        #expect(loader.statistics.peakJobsInFlight <= workers)
        #expect(eventuallySync { dataset.threads.liveThreadIDs.isEmpty })
    }

    /// Runs alone in a child process: resident memory is the whole process's. Samples of 1 MiB,
    /// 192 MiB an epoch, and a consumer that sleeps over each batch: the workers fill their window
    /// and wait, so the peak stays far below the epoch. The window is `workers x prefetch` batches,
    /// with the samples of those being collated, about 40 MiB; for streaming, a shuffle buffer, a
    /// chunk being filled and `prefetch` chunks per worker, about 32 MiB.
    @Test func aSlowConsumerKeepsMemoryWithinThePrefetchWindow() async throws {
        guard try await runningAloneInChildProcess("aSlowConsumerKeepsMemoryWithinThePrefetchWindow") else { return }
        let width = 1 << 18
        let made = ReadCounter()  // counts the samples made
        let wide = RangeDataset(count: 192).map { example in
            made.recordStart()
            return Example(features: Tensor(shape: [width], scalars: Array(repeating: example.features.scalars[0], count: width)), target: example.target)
        }
        let workers = 2, prefetch = 2, batchSize = 4
        let loader = DataLoader(wide, batchSize: batchSize, workers: workers, prefetch: prefetch)
        ProcessResources.resetPeakResidentBytes()
        var before = ProcessResources.residentBytes
        var iterator = loader.makeAsyncIterator()
        _ = try await iterator.next()
        // However fast the machine, the consumer holds the first batch until the workers have
        // made the window (which counts the consumer's batch), then takes its time over each.
        #expect(await eventually { made.batchesStarted >= workers * prefetch * batchSize })
        var batches = 1
        while try await iterator.next() != nil {
            batches += 1
            try await Task.sleep(for: .milliseconds(10))
        }
        let growth = ProcessResources.peakResidentBytes - before
        #expect(batches == 48)
        #expect(loader.statistics.peakJobsInFlight <= workers * prefetch)
        #expect(growth < 64 << 20, "DataLoader: peak resident memory grew by \(growth) bytes")

        let streamLoader = StreamingDataLoader(
            WideShards(shardCount: 12, samplesPerShard: 16, width: width), batchSize: 4, shuffleBuffer: 4, workers: workers,
            prefetch: 1, seed: 1)
        ProcessResources.resetPeakResidentBytes()
        before = ProcessResources.residentBytes
        var samples = 0
        for try await batch in streamLoader {
            samples += batch.count
            try await Task.sleep(for: .milliseconds(10))
        }
        let streamGrowth = ProcessResources.peakResidentBytes - before
        #expect(samples == 192)
        #expect(streamGrowth < 64 << 20, "StreamingDataLoader: peak resident memory grew by \(streamGrowth) bytes")
    }

    // MARK: Cancellation during a blocking read

    @Test func cancellingDuringABlockingReadReturnsPromptlyAndTheReaderExitsAfterIt() async throws {
        // Sample 9's read is held for two minutes; the cancelled consumer must not wait for it.
        let gate = Gate(holdSeconds: 120)
        let dataset = StallingDataset(count: 40, stallingIndex: 9, gate: gate)
        let loader = DataLoader(dataset, batchSize: 4, workers: 2, prefetch: 1)
        let consumer = Task {
            do {
                for try await _ in loader {}
                return "finished"
            } catch is CancellationError {
                return "cancelled"
            } catch {
                return "\(error)"
            }
        }
        #expect(await eventually { gate.arrivals > 0 })
        consumer.cancel()
        let outcome = await consumer.value
        #expect(outcome == "cancelled")
        // The consumer came back while the read was still held: cancelling did not wait for it.
        #expect(gate.departures == 0)
        gate.open()
        #expect(await eventually { dataset.threads.liveThreadIDs.isEmpty && loader.statistics.liveWorkers == 0 })
    }

    @Test func cancellingAStreamDuringABlockingReadReturnsPromptlyAndTheReaderExitsAfterIt() async throws {
        let gate = Gate(holdSeconds: 120)
        let dataset = StallingShardedDataset(sizes: [6, 6, 6], stall: (shard: 0, position: 4), gate: gate)
        let loader = StreamingDataLoader(dataset, batchSize: 2, shuffleShards: false, workers: 2, prefetch: 1)
        let consumer = Task {
            do {
                for try await _ in loader {}
                return "finished"
            } catch is CancellationError {
                return "cancelled"
            } catch {
                return "\(error)"
            }
        }
        #expect(await eventually { gate.arrivals > 0 })
        consumer.cancel()
        let outcome = await consumer.value
        #expect(outcome == "cancelled")
        // The consumer came back while the read was still held: cancelling did not wait for it.
        #expect(gate.departures == 0)
        gate.open()
        #expect(await eventually { dataset.threads.liveThreadIDs.isEmpty && loader.statistics.liveWorkers == 0 })
    }

    @Test func droppingASynchronousIteratorDuringABlockingReadReturnsPromptly() async throws {
        let gate = Gate(holdSeconds: 120)
        let dataset = StallingDataset(count: 40, stallingIndex: 9, gate: gate)
        let loader = DataLoader(dataset, batchSize: 4, workers: 2, prefetch: 1)
        do {
            var iterator = loader.makeIterator()
            // Taking batches 0 and 1 moves the window past batch 0 for certain, so a worker
            // claims batch 2 and reaches sample 9.
            _ = try iterator.next()
            _ = try iterator.next()
            withExtendedLifetime(iterator) {
                #expect(eventuallySync { gate.arrivals > 0 })
            }
        }
        // Dropping the iterator came back while the read was still held.
        #expect(gate.departures == 0)
        gate.open()
        #expect(await eventually { dataset.threads.liveThreadIDs.isEmpty && loader.statistics.liveWorkers == 0 })
    }

    // MARK: The system refusing a worker thread

    @Test func aWorkerThreadTheSystemRefusesIsATypedErrorFromTheFirstNext() async throws {
        let dataset = TrackedFailingDataset(count: 12, failingIndex: -1)
        let progress = LoaderProgress()
        var started = 0
        let plan = BatchPlan(
            fetcher: BatchFetcher(dataset: dataset), batches: [[0, 1], [2, 3], [4, 5], [6, 7]],
            start: LoaderState(epoch: 1, batches: 0, samples: 0, settings: [:]))
        let run = EpochRun(plan: plan, workers: 3, prefetch: 1, timeout: nil, progress: progress) { body throws(LoaderError) in
            started += 1
            // What WorkerThread reports when pthread_create fails with EAGAIN.
            if started == 3 { throw LoaderError(.resourceExhausted, "cannot start a worker thread: \(String(cString: strerror(EAGAIN)))") }
            return try WorkerThread(body)
        }
        do {
            _ = try run.next()
            Issue.record("the refused thread was not reported")
        } catch let error as LoaderError {
            #expect(error.code == .resourceExhausted)
            #expect(error.message == "worker 2 of 3: cannot start a worker thread: Resource temporarily unavailable")
        }
        #expect(try run.next() == nil)
        #expect(await eventually { progress.recorder.snapshot.liveWorkers == 0 && dataset.threads.liveThreadIDs.isEmpty })
    }

    // MARK: Many epochs in a row

    /// Runs alone in a child process: resident memory and the thread and descriptor counts are
    /// the whole process's, which parallel tests would move.
    @Test func twoHundredEpochsGrowNeitherThreadsNorDescriptorsNorMemory() async throws {
        guard try await runningAloneInChildProcess("twoHundredEpochsGrowNeitherThreadsNorDescriptorsNorMemory") else { return }
        let files = try PerSampleFileDataset.make(count: 24)
        defer { try? FileManager.default.removeItem(atPath: files.directory) }
        // 784 features per sample: a leaked batch per epoch would show in resident memory.
        let wide = RangeDataset(count: 64).map { example in
            Example(features: Tensor(shape: [784], scalars: Array(repeating: example.features.scalars[0], count: 784)), target: example.target)
        }
        let fileLoader = DataLoader(files, batchSize: 5, shuffle: true, workers: 2, prefetch: 2, seed: 9)
        let wideLoader = DataLoader(wide, batchSize: 16, shuffle: true, workers: 3, prefetch: 2, seed: 9)
        let shards = StallingShardedDataset(sizes: [7, 0, 9, 4])
        let streamLoader = StreamingDataLoader(shards, batchSize: 3, shuffleBuffer: 4, workers: 3, prefetch: 1, seed: 9)
        // Streaming from files: each shard opens the gzipped images and the raw labels.
        let idxDirectory = try copyIntoTemporaryDirectory(
            ["small-images-idx3-ubyte.gz", "small-labels-idx1-ubyte"].map(IDXFixtures.idx))
        defer { try? FileManager.default.removeItem(atPath: idxDirectory) }
        let idx = try IDXDataset(
            images: "\(idxDirectory)/small-images-idx3-ubyte.gz", labels: "\(idxDirectory)/small-labels-idx1-ubyte", shards: 3)
        let idxLoader = StreamingDataLoader(idx, batchSize: 2, shuffleBuffer: 2, workers: 2, prefetch: 1, seed: 9)
        var earlyResident = 0, lateResident = Int.max
        var threadsAfter20 = 0, descriptorsAfter20 = 0
        for epoch in 0..<200 {
            let async = epoch % 2 == 0
            if epoch % 4 == 3 {
                // Every fourth epoch of the file-backed loaders stops after its first batch: the
                // workers are stopped, or detached if still reading, and must leave by themselves.
                var files = fileLoader.makeIterator()
                #expect(try files.next() != nil)
                var streams = idxLoader.makeIterator()
                #expect(try streams.next() != nil)
            } else {
                let fromFiles = await consume(fileLoader, async: async)
                #expect(fromFiles.error == nil)
                #expect(fromFiles.delivered.flatMap(indices(of:)).sorted() == Array(0..<24))
                var labels: [Int32] = []
                for try await batch in idxLoader { labels += batch.labels!.scalars }
                #expect(labels.sorted() == [1, 1, 3, 4, 5])
            }
            let fromWide = await consume(wideLoader, async: async)
            let streamed = await consume(streamLoader, async: async)
            #expect(fromWide.error == nil && streamed.error == nil)
            #expect(fromWide.delivered.count == 4)
            #expect(streamed.delivered.flatMap(ids(of:)).count == 20)
            if epoch == 20 {  // a full epoch, after which no worker is left
                threadsAfter20 = ProcessResources.threadCount
                descriptorsAfter20 = ProcessResources.descriptorCount
            }
            // The late minimum against the early maximum: only growth that persists counts.
            if (20..<40).contains(epoch) { earlyResident = max(earlyResident, ProcessResources.residentBytes) }
            if (180..<200).contains(epoch) { lateResident = min(lateResident, ProcessResources.residentBytes) }
        }
        // Workers detached by an early stop leave once their read returns.
        #expect(await eventually {
            files.threads.liveThreadIDs.isEmpty && fileLoader.statistics.liveWorkers == 0 && idxLoader.statistics.liveWorkers == 0
        })
        #expect(shards.threads.liveThreadIDs.isEmpty)
        #expect(files.threads.threadIDs.count >= 200)
        #expect(wideLoader.statistics.liveWorkers == 0 && streamLoader.statistics.liveWorkers == 0)
        #expect(ProcessResources.descriptorsOpen(under: files.directory) == 0)
        #expect(ProcessResources.descriptorsOpen(under: idxDirectory) == 0)
        // 10 workers start per epoch: a leak of even one per epoch would add 180 threads. The
        // slack allows for the cooperative pool and Dispatch starting threads of their own.
        #expect(ProcessResources.threadCount <= threadsAfter20 + 4)
        #expect(ProcessResources.descriptorCount <= descriptorsAfter20 + 2)
        #expect(lateResident - earlyResident < 8 << 20, "resident memory grew by \(lateResident - earlyResident) bytes")
    }
}
