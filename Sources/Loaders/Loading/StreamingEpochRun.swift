/// One epoch of a streaming dataset being read: shards on workers (or inline), batches formed here.
///
/// Owned by one iterator; its `deinit` stops the workers without waiting for a shard being read.
final class StreamingEpochRun<Source: StreamingDataset> where Source.Element: Collatable {
    typealias Sample = Source.Element
    typealias Chunk = Result<[Sample], LoaderError>
    private let loader: StreamingDataLoader<Source>
    private let epoch: Int
    private let shards: [Int]
    private let pool: WorkerPool<Chunk>?
    /// Samples received and not yet batched.
    private var pending: [Sample] = []
    private var pendingStart = 0
    /// Samples batched so far this epoch: the positions collation errors name.
    private var delivered = 0
    /// Batches formed so far this epoch: the number a timeout names.
    private var batchesFormed = 0
    /// An error found while starting, thrown by the first `next`.
    private var startFailure: LoaderError?
    private var sourceEnded = false
    private var finished = false
    /// Without workers: the shard being read on the consumer's thread.
    private var inlinePosition = 0
    private var inlineReader: ShardReader<Source.Stream>?
    /// Without workers: a read error held back until the samples read before it are delivered.
    private var pendingFailure: LoaderError?

    init(
        loader: StreamingDataLoader<Source>, epoch: Int,
        startingThreadsWith startThread: WorkerPool<Chunk>.ThreadStarter = WorkerThread.init
    ) {
        self.loader = loader
        self.epoch = epoch
        let shards = loader.shardOrder(epoch: epoch)
        self.shards = shards
        guard loader.workers > 0 else {
            pool = nil
            return
        }
        let chunkSize = loader.batchSize
        let pool = WorkerPool<Chunk>(
            jobCount: shards.count, jobWindow: loader.workers, channelCapacity: loader.prefetch,
            workers: loader.workers, recorder: loader.recorder
        ) { position, worker, emit in
            Self.readShard(shards[position], loader: loader, epoch: epoch, worker: worker, chunkSize: chunkSize, emit: emit)
        }
        self.pool = pool
        do {
            try pool.start(startingThreadsWith: startThread)
        } catch {
            startFailure = error
            pool.shutdown()
        }
    }

    deinit {
        pool?.shutdown()
    }

    /// A worker's job: read a whole shard, handing its samples on in chunks. Returns whether it failed.
    private static func readShard(
        _ shard: Int, loader: StreamingDataLoader<Source>, epoch: Int, worker: Int, chunkSize: Int,
        emit: (Chunk) -> Bool
    ) -> Bool {
        var reader: ShardReader<Source.Stream>
        do {
            reader = try loader.openShard(shard, epoch: epoch)
        } catch {
            _ = emit(.failure(.loading(error, worker: worker, activity: "opening shard \(shard)", location: nil)))
            return true
        }
        var chunk: [Sample] = []
        // A batch size larger than the shard never fills a chunk, so reserve a bounded start.
        chunk.reserveCapacity(min(chunkSize, 1 << 12))
        while true {
            do {
                guard let sample = try reader.next() else { break }
                chunk.append(sample)
            } catch {
                if !chunk.isEmpty { _ = emit(.success(chunk)) }
                _ = emit(.failure(Self.readError(error, shard: shard, worker: worker, read: reader.samplesRead)))
                return true
            }
            if chunk.count == chunkSize {
                guard emit(.success(chunk)) else { return false }
                chunk.removeAll(keepingCapacity: true)
            }
        }
        if !chunk.isEmpty { _ = emit(.success(chunk)) }
        return false
    }

    private static func readError(_ error: any Error, shard: Int, worker: Int?, read: Int) -> LoaderError {
        .loading(error, worker: worker, activity: "reading shard \(shard) after its sample \(read)", location: nil)
    }

    /// The next batch, blocking this thread while samples load.
    func next() throws -> Source.Element.Collated? {
        guard !finished else { return nil }
        do {
            if let startFailure { throw startFailure }
            let deadline = deadline()
            while !sourceEnded && pending.count - pendingStart < loader.batchSize {
                let chunk = if let pool { try pool.next(until: deadline) } else { readInline() }
                try receive(chunk)
            }
            guard let batch = try formBatch() else {
                finish()
                return nil
            }
            return batch
        } catch {
            finish()
            throw timeoutError(error)
        }
    }

    /// The next batch, suspending while workers load samples.
    func next(isolation: isolated (any Actor)?) async throws -> Source.Element.Collated? {
        guard !finished else { return nil }
        do {
            if let startFailure { throw startFailure }
            let deadline = deadline()
            while !sourceEnded && pending.count - pendingStart < loader.batchSize {
                let chunk: Chunk?
                if let pool {
                    chunk = try await pool.next(isolation: isolation, until: deadline)
                } else {
                    try Task.checkCancellation()
                    chunk = readInline()
                }
                try receive(chunk)
            }
            if let batch = try formBatch() { return batch }
        } catch {
            await finish(isolation: isolation)
            throw timeoutError(error)
        }
        await finish(isolation: isolation)
        return nil
    }

    /// When waiting for the next batch must end; `nil` without a timeout.
    private func deadline() -> ContinuousClock.Instant? {
        loader.timeout.map { ContinuousClock.now + $0 }
    }

    /// `error`, turned into a `LoaderError` when it is the pool's report of a missed deadline.
    private func timeoutError(_ error: any Error) -> any Error {
        guard let stall = error as? WorkerPool<Chunk>.Stall, let timeout = loader.timeout else { return error }
        return LoaderError.timedOut(batch: batchesFormed, worker: stall.worker, job: "shard \(shards[stall.job])", after: timeout)
    }

    private func receive(_ chunk: Chunk?) throws {
        switch chunk {
        case nil: sourceEnded = true
        case .success(let samples)?:
            if pendingStart > 0 {
                pending.removeFirst(pendingStart)
                pendingStart = 0
            }
            pending += samples
        case .failure(let error)?: throw error
        }
    }

    /// Collates the next `batchSize` pending samples, or the last partial batch; `nil` when none is left.
    private func formBatch() throws -> Source.Element.Collated? {
        let available = pending.count - pendingStart
        guard available >= loader.batchSize || (available > 0 && !loader.dropLast) else { return nil }
        let size = min(available, loader.batchSize)
        let samples = Array(pending[pendingStart..<pendingStart + size])
        pendingStart += size
        let positions = Array(delivered..<delivered + size)
        delivered += size
        let batch: Source.Element.Collated
        do {
            batch = try Source.Element.collate(samples, indices: positions)
        } catch {
            throw LoaderError.loading(error, worker: nil, activity: "collating a batch", location: (error as? LoaderError)?.location)
        }
        batchesFormed += 1
        loader.recorder.update {
            $0.batches += 1
            $0.samples += size
        }
        return batch
    }

    /// Without workers: the next chunk of up to `batchSize` samples, read on this thread.
    private func readInline() -> Chunk? {
        var chunk: [Sample] = []
        let start = ContinuousClock.now
        defer {
            let loading = ContinuousClock.now - start
            loader.recorder.update { $0.workerLoadTime += loading }
        }
        while chunk.count < loader.batchSize {
            if inlineReader == nil {
                guard inlinePosition < shards.count else { break }
                do {
                    inlineReader = try loader.openShard(shards[inlinePosition], epoch: epoch)
                } catch {
                    return .failure(.loading(error, worker: nil, activity: "opening shard \(shards[inlinePosition])", location: nil))
                }
            }
            do {
                if let sample = try inlineReader!.next() {
                    chunk.append(sample)
                } else {
                    inlineReader = nil
                    inlinePosition += 1
                }
            } catch {
                // Deliver the samples read before the failure first, then the error.
                let failure = Self.readError(error, shard: shards[inlinePosition], worker: nil, read: inlineReader!.samplesRead)
                inlineReader = nil
                inlinePosition = shards.count
                pendingFailure = failure
                break
            }
        }
        if chunk.isEmpty, let failure = pendingFailure {
            pendingFailure = nil
            return .failure(failure)
        }
        return chunk.isEmpty ? nil : .success(chunk)
    }

    private func finish() {
        finished = true
        pool?.shutdown()
    }

    private func finish(isolation: isolated (any Actor)?) async {
        finished = true
        await pool?.shutdown(isolation: isolation)
    }
}
