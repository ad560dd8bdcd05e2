import Dispatch
import Synchronization

/// Worker threads running numbered jobs and handing their items to one consumer, in job order.
///
/// The consumer is either a blocking thread (`next()`) or a task (`next(isolation:)`), which
/// suspends on a continuation that a worker resumes, so the cooperative pool is never blocked.
/// Every sleeper — a worker waiting for room or work, the consumer waiting for an item — registers
/// itself in the locked state before sleeping, and whoever changes the state removes it from there
/// before waking it: no wake-up is lost, and no continuation is resumed twice.
final class WorkerPool<Item: Sendable>: Sendable {
    /// Runs job `job` on worker `worker`, passing each item it yields to `emit`, which waits for
    /// room and returns `false` once the pool is stopping. Returns whether the job failed.
    typealias Job = @Sendable (_ job: Int, _ worker: Int, _ emit: (Item) -> Bool) -> Bool

    let state: Mutex<State>
    let workerWakeups: [DispatchSemaphore]
    private let consumerWakeup = DispatchSemaphore(value: 0)
    let job: Job
    let recorder: StatisticsRecorder

    struct State {
        var buffer: OrderedBuffer<Item>
        var stopped = false
        var sleepingWorkers: [Int] = []
        var consumer: Consumer = .running
        var liveWorkers = 0
        var exitWaiter: CheckedContinuation<Void, Never>?
        var threads: [WorkerThread] = []

        /// Removes and returns every sleeper that a change may concern.
        mutating func takeSleepers(workers: Bool, consumer: Bool) -> Wakeups {
            var wakeups = Wakeups()
            if workers { swap(&wakeups.workers, &sleepingWorkers) }
            if consumer { swap(&wakeups.consumer, &self.consumer) }
            return wakeups
        }
    }

    enum Consumer {
        case running
        case blocked
        case suspended(CheckedContinuation<Void, Never>)
    }

    /// Sleepers taken out of the state under the lock, to be woken after it is released.
    struct Wakeups {
        var workers: [Int] = []
        var consumer: Consumer = .running
    }

    /// Creates a pool; `start()` launches its threads.
    /// - Parameters:
    ///   - jobCount: the number of jobs, run in claim order `0..<jobCount`.
    ///   - jobWindow: how many jobs may be claimed ahead of the one the consumer is taking.
    ///   - channelCapacity: how many items one job may hold undelivered.
    ///   - workers: the number of threads, at least 1.
    init(jobCount: Int, jobWindow: Int, channelCapacity: Int, workers: Int, recorder: StatisticsRecorder, job: @escaping Job) {
        precondition(workers >= 1, "WorkerPool needs at least one worker")
        state = Mutex(State(buffer: OrderedBuffer(jobCount: jobCount, jobWindow: jobWindow, channelCapacity: channelCapacity)))
        workerWakeups = (0..<workers).map { _ in DispatchSemaphore(value: 0) }
        self.job = job
        self.recorder = recorder
    }

    /// Launches the worker threads.
    func start() {
        let count = workerWakeups.count
        state.withLock { $0.liveWorkers = count }
        recorder.update { $0.liveWorkers += count }
        for worker in 0..<count {
            let thread = WorkerThread { [self] in runWorker(worker) }
            state.withLock { $0.threads.append(thread) }
        }
    }

    // MARK: Consumer side

    /// The next item in job order, blocking the calling thread until it is ready; `nil` at the
    /// end, after a failed job's items, or once stopped.
    func next() -> Item? {
        while true {
            let (next, wakeups) = state.withLock { state -> (OrderedBuffer<Item>.Next, Wakeups) in
                take(&state, blockIfWaiting: true)
            }
            wake(wakeups)
            guard case .wait = next else { return unwrap(next) }
            let start = ContinuousClock.now
            consumerWakeup.wait()
            let waited = ContinuousClock.now - start
            recorder.update { $0.consumerWaitTime += waited }
        }
    }

    /// The next item in job order, suspending (not blocking) until it is ready.
    /// - Throws: `CancellationError` when the task is cancelled; the pool is then stopping.
    func next(isolation: isolated (any Actor)? = #isolation) async throws -> Item? {
        while true {
            try Task.checkCancellation()
            let (next, wakeups) = state.withLock { state in take(&state, blockIfWaiting: false) }
            wake(wakeups)
            guard case .wait = next else { return unwrap(next) }
            let start = ContinuousClock.now
            await withTaskCancellationHandler {
                await withCheckedContinuation(isolation: isolation) { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state in
                        if state.stopped || !state.buffer.mustWait { return true }
                        state.consumer = .suspended(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                stop()
            }
            let waited = ContinuousClock.now - start
            recorder.update { $0.consumerWaitTime += waited }
        }
    }

    private func take(_ state: inout State, blockIfWaiting: Bool) -> (OrderedBuffer<Item>.Next, Wakeups) {
        if state.stopped { return (.end, Wakeups()) }
        let jobBefore = state.buffer.currentJob
        let next = state.buffer.take()
        if case .wait = next, blockIfWaiting { state.consumer = .blocked }
        // Taking an item frees room in its channel; moving past finished jobs frees window slots.
        // Either may let a sleeping worker go on.
        let freed: Bool
        if case .item = next { freed = true } else { freed = state.buffer.currentJob != jobBefore }
        return (next, state.takeSleepers(workers: freed, consumer: false))
    }

    private func unwrap(_ next: OrderedBuffer<Item>.Next) -> Item? {
        if case .item(let item) = next { return item }
        return nil
    }

    /// Tells every worker to stop after its current read and wakes all sleepers. Idempotent.
    func stop() {
        let wakeups = state.withLock { state in
            state.stopped = true
            return state.takeSleepers(workers: true, consumer: true)
        }
        wake(wakeups)
    }

    /// Stops the workers and waits, blocking this thread, until every one has returned.
    func shutdown() {
        stop()
        joinThreads()
    }

    /// Stops the workers and suspends until every one has returned, without blocking a thread.
    func shutdown(isolation: isolated (any Actor)? = #isolation) async {
        stop()
        await withCheckedContinuation(isolation: isolation) { (continuation: CheckedContinuation<Void, Never>) in
            let exited = state.withLock { state in
                if state.liveWorkers == 0 || state.exitWaiter != nil { return true }
                state.exitWaiter = continuation
                return false
            }
            if exited { continuation.resume() }
        }
        // Every worker has left its loop, so these joins return at once.
        joinThreads()
    }

    private func joinThreads() {
        let threads = state.withLock { state in
            defer { state.threads.removeAll() }
            return state.threads
        }
        for thread in threads { thread.join() }
    }

    func wake(_ wakeups: Wakeups) {
        for worker in wakeups.workers { workerWakeups[worker].signal() }
        switch wakeups.consumer {
        case .running: break
        case .blocked: consumerWakeup.signal()
        case .suspended(let continuation): continuation.resume()
        }
    }
}
