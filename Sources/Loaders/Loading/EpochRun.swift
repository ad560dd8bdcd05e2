/// One epoch being read: its batches, its workers if any, and where the consumer is.
///
/// Owned by exactly one iterator; its `deinit` stops and joins the workers, which is what makes
/// dropping an iterator (or breaking out of a `for` loop) end the epoch.
final class EpochRun<Source: Dataset> where Source.Element: Collatable {
    typealias Collated = Source.Element.Collated
    private let batches: [[Int]]
    private let fetcher: BatchFetcher<Source>
    private let pool: WorkerPool<Result<Collated, LoaderError>>?
    private let recorder: StatisticsRecorder
    /// The next batch to read on the consumer's thread (without workers) or to deliver.
    private var position = 0
    private var finished = false

    init(batches: [[Int]], fetcher: BatchFetcher<Source>, workers: Int, prefetch: Int, recorder: StatisticsRecorder) {
        self.batches = batches
        self.fetcher = fetcher
        self.recorder = recorder
        if workers > 0 {
            let pool = WorkerPool<Result<Collated, LoaderError>>(
                jobCount: batches.count, jobWindow: workers * prefetch, channelCapacity: 1, workers: workers,
                recorder: recorder
            ) { batch, worker, emit in
                let result = fetcher.load(batches[batch], batch: batch, worker: worker)
                _ = emit(result)
                if case .failure = result { return true }
                return false
            }
            pool.start()
            self.pool = pool
        } else {
            self.pool = nil
        }
    }

    deinit {
        pool?.shutdown()
    }

    /// The next batch, blocking this thread while it loads.
    func next() throws -> Collated? {
        guard !finished else { return nil }
        let result: Result<Collated, LoaderError>?
        if let pool {
            result = pool.next()
        } else {
            result = readOnConsumerThread()
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
        if let pool {
            do {
                result = try await pool.next(isolation: isolation)
            } catch {
                await finish(isolation: isolation)
                throw error
            }
        } else {
            if Task.isCancelled {
                finish()
                throw CancellationError()
            }
            result = readOnConsumerThread()
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
