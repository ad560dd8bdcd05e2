/// One epoch being read: its batches, its workers if any, and where the consumer is.
///
/// Owned by exactly one iterator; its `deinit` stops the workers, which is what makes dropping an
/// iterator (or breaking out of a `for` loop) end the epoch. Ending never waits for a batch being
/// read: the workers reading one are detached and leave when their read returns.
final class EpochRun<Source: Dataset> where Source.Element: Collatable {
    typealias Collated = Source.Element.Collated
    private let batches: [[Int]]
    private let fetcher: BatchFetcher<Source>
    private let pool: WorkerPool<Result<Collated, LoaderError>>?
    private let recorder: StatisticsRecorder
    private let timeout: Duration?
    /// The next batch to read on the consumer's thread (without workers) or to deliver.
    private var position = 0
    private var finished = false
    /// An error found while starting, thrown by the first `next`.
    private var startFailure: LoaderError?

    init(
        batches: [[Int]], fetcher: BatchFetcher<Source>, workers: Int, prefetch: Int, timeout: Duration?,
        recorder: StatisticsRecorder, startingThreadsWith startThread: WorkerPool<Result<Collated, LoaderError>>.ThreadStarter = WorkerThread.init
    ) {
        self.batches = batches
        self.fetcher = fetcher
        self.recorder = recorder
        self.timeout = timeout
        guard workers > 0 else {
            pool = nil
            return
        }
        let pool = WorkerPool<Result<Collated, LoaderError>>(
            jobCount: batches.count, jobWindow: LoaderLimits.window(workers: workers, prefetch: prefetch, jobs: batches.count),
            channelCapacity: 1, workers: workers, recorder: recorder
        ) { batch, worker, emit in
            let result = fetcher.load(batches[batch], batch: batch, worker: worker)
            _ = emit(result)
            if case .failure = result { return true }
            return false
        }
        self.pool = pool
        do {
            try pool.start(startingThreadsWith: startThread)
        } catch {
            startFailure = error
            pool.shutdown()
        }
    }

    /// A run whose first `next` throws `failure`, found before the epoch could start.
    init(failingWith failure: LoaderError, fetcher: BatchFetcher<Source>, recorder: StatisticsRecorder) {
        batches = []
        self.fetcher = fetcher
        self.recorder = recorder
        timeout = nil
        pool = nil
        startFailure = failure
    }

    deinit {
        pool?.shutdown()
    }

    /// The next batch, blocking this thread while it loads.
    func next() throws -> Collated? {
        guard !finished else { return nil }
        let result: Result<Collated, LoaderError>?
        do {
            if let startFailure { throw startFailure }
            if let pool {
                result = try pool.next(until: deadline())
            } else {
                result = readOnConsumerThread()
            }
        } catch {
            finish()
            throw timeoutError(error)
        }
        guard let result else {
            finish()
            return nil
        }
        do {
            return try deliver(result)
        } catch {
            finish()
            throw error
        }
    }

    /// The next batch, suspending while workers load it.
    func next(isolation: isolated (any Actor)?) async throws -> Collated? {
        guard !finished else { return nil }
        let result: Result<Collated, LoaderError>?
        do {
            if let startFailure { throw startFailure }
            if let pool {
                result = try await pool.next(isolation: isolation, until: deadline())
            } else {
                try Task.checkCancellation()
                result = readOnConsumerThread()
            }
        } catch {
            await finish(isolation: isolation)
            throw timeoutError(error)
        }
        guard let result else {
            await finish(isolation: isolation)
            return nil
        }
        do {
            return try deliver(result)
        } catch {
            await finish(isolation: isolation)
            throw error
        }
    }

    /// When waiting for the next batch must end; `nil` without a timeout.
    private func deadline() -> ContinuousClock.Instant? {
        timeout.map { ContinuousClock.now + $0 }
    }

    /// `error`, turned into a `LoaderError` when it is the pool's report of a missed deadline.
    private func timeoutError(_ error: any Error) -> any Error {
        guard let stall = error as? WorkerPool<Result<Collated, LoaderError>>.Stall, let timeout else { return error }
        return LoaderError.timedOut(batch: stall.job, worker: stall.worker, job: nil, after: timeout)
    }

    private func readOnConsumerThread() -> Result<Collated, LoaderError>? {
        guard position < batches.count else { return nil }
        let start = ContinuousClock.now
        let result = fetcher.load(batches[position], batch: position, worker: nil)
        let loading = ContinuousClock.now - start
        recorder.update { $0.workerLoadTime += loading }
        return result
    }

    private func deliver(_ result: Result<Collated, LoaderError>) throws -> Collated {
        switch result {
        case .success(let batch):
            let samples = batches[position].count
            position += 1
            recorder.update {
                $0.batches += 1
                $0.samples += samples
            }
            return batch
        case .failure(let error):
            throw error
        }
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
