/// One epoch being read: its plan's jobs on worker threads (or inline), batches formed here.
///
/// Owned by exactly one iterator; its `deinit` stops the workers, which is what makes dropping an
/// iterator (or breaking out of a `for` loop) end the epoch. Ending never waits for a job being
/// read: the workers running one are detached and leave when their read returns.
final class EpochRun<Plan: EpochPlan>: EpochReading {
    typealias Element = Plan.Assembler.Batch
    typealias Outcome = Result<Plan.Item, LoaderError>
    private let plan: Plan
    private let pool: WorkerPool<Outcome>?
    private let progress: LoaderProgress
    private let timeout: Duration?
    private var assembler: Plan.Assembler
    private var itemsEnded = false
    private var finished = false
    /// An error found while starting, thrown by the first `next`.
    private var startFailure: LoaderError?
    /// Without workers: the job being read on the consumer's thread, and the next one to start.
    private var inlineJob: Plan.Job?
    private var nextInlineJob = 0
    /// Set once every batch of the epoch was delivered.
    private var nextEpochStart: LoaderState?

    init(
        plan: Plan, workers: Int, prefetch: Int, timeout: Duration?, progress: LoaderProgress,
        startingThreadsWith startThread: WorkerPool<Outcome>.ThreadStarter = WorkerThread.init
    ) {
        self.plan = plan
        self.progress = progress
        self.timeout = timeout
        assembler = plan.makeAssembler()
        progress.record(assembler.position)
        guard workers > 0 else {
            pool = nil
            return
        }
        let (jobWindow, itemsPerJob) = plan.buffering(workers: workers, prefetch: prefetch)
        let pool = WorkerPool<Outcome>(
            jobCount: plan.jobCount, jobWindow: jobWindow, channelCapacity: itemsPerJob, workers: workers,
            recorder: progress.recorder
        ) { position, worker, emit in
            var job = plan.job(position, worker: worker)
            while let item = job.next() {
                if case .failure = item {
                    _ = emit(item)
                    return true
                }
                guard emit(item) else { return false }
            }
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
    init(plan: Plan, failingWith failure: LoaderError, progress: LoaderProgress) {
        self.plan = plan
        self.progress = progress
        timeout = nil
        pool = nil
        assembler = plan.makeAssembler()
        startFailure = failure
    }

    deinit {
        pool?.shutdown()
    }

    /// The position after the batches delivered; once every batch was, the start of the next epoch.
    var state: LoaderState { nextEpochStart ?? assembler.position }

    /// The next batch, blocking this thread while it loads.
    func next() throws -> Element? {
        guard !finished else { return nil }
        do {
            if let startFailure { throw startFailure }
            let deadline = deadline()
            while !itemsEnded && assembler.needsItem {
                try receive(pool.map { try $0.next(until: deadline) } ?? readInline())
            }
            if let batch = try formBatch() { return batch }
        } catch {
            finish(completed: false)
            throw timeoutError(error)
        }
        finish(completed: true)
        return nil
    }

    /// The next batch, suspending while workers load it.
    func next(isolation: isolated (any Actor)?) async throws -> Element? {
        guard !finished else { return nil }
        do {
            if let startFailure { throw startFailure }
            let deadline = deadline()
            while !itemsEnded && assembler.needsItem {
                if let pool {
                    try receive(await pool.next(isolation: isolation, until: deadline))
                } else {
                    try Task.checkCancellation()
                    try receive(readInline())
                }
            }
            if let batch = try formBatch() { return batch }
        } catch {
            await finish(completed: false, isolation: isolation)
            throw timeoutError(error)
        }
        await finish(completed: true, isolation: isolation)
        return nil
    }

    private func receive(_ outcome: Outcome?) throws {
        switch outcome {
        case nil: itemsEnded = true
        case .success(let item)?: assembler.receive(item)
        case .failure(let error)?: throw error
        }
    }

    private func formBatch() throws -> Element? {
        guard let (batch, samples) = try assembler.nextBatch(itemsEnded: itemsEnded) else { return nil }
        progress.record(assembler.position)
        progress.recorder.update {
            $0.batches += 1
            $0.samples += samples
        }
        return batch
    }

    /// Without workers: the next item, read on this thread from the job in progress or the next.
    private func readInline() -> Outcome? {
        let start = ContinuousClock.now
        defer {
            let loading = ContinuousClock.now - start
            progress.recorder.update { $0.workerLoadTime += loading }
        }
        while true {
            if inlineJob == nil {
                guard nextInlineJob < plan.jobCount else { return nil }
                inlineJob = plan.job(nextInlineJob, worker: nil)
                nextInlineJob += 1
            }
            if let item = inlineJob!.next() { return item }
            inlineJob = nil
        }
    }

    /// When waiting for the next batch must end; `nil` without a timeout.
    private func deadline() -> ContinuousClock.Instant? {
        timeout.map { ContinuousClock.now + $0 }
    }

    /// `error`, turned into a `LoaderError` when it is the pool's report of a missed deadline.
    private func timeoutError(_ error: any Error) -> any Error {
        guard let stall = error as? WorkerPool<Outcome>.Stall, let timeout else { return error }
        return LoaderError.timedOut(
            batch: assembler.position.batches, worker: stall.worker, job: plan.describe(job: stall.job), after: timeout)
    }

    /// Ends the epoch and stops the workers; an epoch `completed` (every batch delivered) moves
    /// the loader's position to the start of the next.
    private func finish(completed: Bool) {
        end(completed: completed)
        pool?.shutdown()
    }

    private func finish(completed: Bool, isolation: isolated (any Actor)?) async {
        end(completed: completed)
        await pool?.shutdown(isolation: isolation)
    }

    private func end(completed: Bool) {
        if completed {
            let position = assembler.position
            let next = LoaderState.start(of: position.epoch + 1, settings: position.settings, streaming: position.shard != nil)
            nextEpochStart = next
            progress.record(next)
        }
        finished = true
    }
}

/// An epoch being read, whatever its plan: what the iterators hold.
protocol EpochReading<Element>: AnyObject {
    associatedtype Element
    var state: LoaderState { get }
    func next() throws -> Element?
    func next(isolation: isolated (any Actor)?) async throws -> Element?
}
