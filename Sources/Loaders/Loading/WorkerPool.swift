import Dispatch
import Synchronization

/// Worker threads running numbered jobs and handing their items to one consumer, in job order.
///
/// The consumer is either a blocking thread (`next(until:)`) or a task (`next(isolation:until:)`),
/// which suspends on a continuation that a worker resumes, so the cooperative pool is never blocked.
/// Every sleeper — a worker waiting for room or work, the consumer waiting for an item — registers
/// itself in the locked state before sleeping, and whoever changes the state removes it from there
/// before waking it: no wake-up is lost, and no continuation is resumed twice. A deadline timer is
/// one more such waker, so a consumer with a deadline can also be woken spuriously and re-checks.
///
/// Shutting down never waits for a job in progress: a thread cannot be interrupted inside the
/// job's code (a read may block for a long time, or forever), so a worker still running a job is
/// detached and leaves on its own once its job returns; every other worker is joined.
final class WorkerPool<Item: Sendable>: Sendable {
    /// Runs job `job` on worker `worker`, passing each item it yields to `emit`, which waits for
    /// room and returns `false` once the pool is stopping; the job must then return without
    /// further work, since shutting down joins a worker that was waiting in `emit`. Returns
    /// whether the job failed.
    typealias Job = @Sendable (_ job: Int, _ worker: Int, _ emit: (Item) -> Bool) -> Bool
    /// Starts one OS thread running a worker's loop.
    typealias ThreadStarter = (_ body: @escaping @Sendable () -> Void) throws(LoaderError) -> WorkerThread

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
        /// What each worker is doing.
        var phases: [WorkerPhase]
        /// The threads not yet joined or detached, by worker.
        var threads: [Int: WorkerThread] = [:]
        /// Workers being shut down whose exit `exitWaiter` awaits.
        var awaitedWorkers: Set<Int> = []
        var exitWaiter: CheckedContinuation<Void, Never>?

        /// Removes and returns every sleeper that a change may concern.
        mutating func takeSleepers(workers: Bool, consumer: Bool) -> Wakeups {
            var wakeups = Wakeups()
            if workers { swap(&wakeups.workers, &sleepingWorkers) }
            if consumer { swap(&wakeups.consumer, &self.consumer) }
            return wakeups
        }

        /// The job the consumer is waiting for and the worker running it, if any.
        var stall: Stall {
            let job = buffer.currentJob
            return Stall(job: job, worker: phases.firstIndex { $0 == .running(job) || $0 == .waitingForRoom(job) })
        }
    }

    enum WorkerPhase: Equatable {
        /// In its loop, not running a job: it leaves at once when the pool stops.
        case idle
        /// Running a job, possibly inside code that cannot be interrupted.
        case running(Int)
        /// Asleep in a job's `emit`, which returns `false` as soon as the pool stops.
        case waitingForRoom(Int)
        case exited

        /// Whether the worker leaves promptly once the pool stops.
        var leavesWhenStopped: Bool {
            if case .running = self { return false }
            return true
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

    /// The consumer's deadline passed while it waited for `job`, which `worker` (if any) is running.
    struct Stall: Error {
        let job: Int
        let worker: Int?
    }

    /// Creates a pool; `start()` launches its threads.
    /// - Parameters:
    ///   - jobCount: the number of jobs, run in claim order `0..<jobCount`.
    ///   - jobWindow: how many jobs may be claimed ahead of the one the consumer is taking.
    ///   - channelCapacity: how many items one job may hold undelivered.
    ///   - workers: the number of threads, at least 1.
    init(jobCount: Int, jobWindow: Int, channelCapacity: Int, workers: Int, recorder: StatisticsRecorder, job: @escaping Job) {
        precondition(workers >= 1, "WorkerPool needs at least one worker")
        state = Mutex(State(
            buffer: OrderedBuffer(jobCount: jobCount, jobWindow: jobWindow, channelCapacity: channelCapacity),
            phases: Array(repeating: .idle, count: workers)))
        workerWakeups = (0..<workers).map { _ in DispatchSemaphore(value: 0) }
        self.job = job
        self.recorder = recorder
    }

    /// Launches the worker threads.
    /// - Throws: `LoaderError` `.resourceExhausted` when the system refuses a thread; the threads
    ///   already started keep running until `shutdown()`.
    func start(startingThreadsWith startThread: ThreadStarter = WorkerThread.init) throws(LoaderError) {
        let count = workerWakeups.count
        // Counted before any thread runs, so a thread that exits at once never makes this negative.
        recorder.update { $0.liveWorkers += count }
        for worker in 0..<count {
            do {
                let thread = try startThread { [self] in runWorker(worker) }
                state.withLock { $0.threads[worker] = thread }
            } catch {
                let neverStarted = count - worker
                state.withLock { state in
                    for unstarted in worker..<count { state.phases[unstarted] = .exited }
                }
                recorder.update { $0.liveWorkers -= neverStarted }
                throw LoaderError(
                    error.code, "worker \(worker) of \(count): \(error.message)", path: error.path,
                    location: error.location, underlying: error.underlying)
            }
        }
    }

    // MARK: Consumer side

    /// The next item in job order, blocking the calling thread until it is ready; `nil` at the
    /// end, after a failed job's items, or once stopped.
    /// - Parameter deadline: when to stop waiting; `nil` waits as long as it takes.
    /// - Throws: `Stall` when `deadline` passes first.
    func next(until deadline: ContinuousClock.Instant? = nil) throws(Stall) -> Item? {
        while true {
            let (next, wakeups) = state.withLock { state -> (OrderedBuffer<Item>.Next, Wakeups) in
                take(&state, blockIfWaiting: true)
            }
            wake(wakeups)
            guard case .wait = next else { return unwrap(next) }
            let start = ContinuousClock.now
            defer {
                let waited = ContinuousClock.now - start
                recorder.update { $0.consumerWaitTime += waited }
            }
            guard let deadline else {
                consumerWakeup.wait()
                continue
            }
            let remaining = deadline - start
            if remaining > .zero, consumerWakeup.wait(timeout: .now() + Self.dispatchInterval(remaining)) == .success {
                continue
            }
            // Withdraw, unless a waker has already taken this consumer out: then its signal is
            // on the way and must be consumed, and something changed that is worth looking at.
            let stall = state.withLock { state -> Stall? in
                guard case .blocked = state.consumer else { return nil }
                state.consumer = .running
                return state.stall
            }
            if let stall { throw stall }
            consumerWakeup.wait()
        }
    }

    /// The next item in job order, suspending (not blocking) until it is ready.
    /// - Parameter deadline: when to stop waiting; `nil` waits as long as it takes.
    /// - Throws: `CancellationError` when the task is cancelled (the pool is then stopping), or
    ///   `Stall` when `deadline` passes first.
    func next(isolation: isolated (any Actor)? = #isolation, until deadline: ContinuousClock.Instant? = nil) async throws -> Item? {
        // Started at the first wait, only with a deadline: without one, waiting costs no timer.
        var timer: DispatchWorkItem?
        defer { timer?.cancel() }
        while true {
            try Task.checkCancellation()
            let (next, wakeups, stall) = state.withLock { state -> (OrderedBuffer<Item>.Next, Wakeups, Stall?) in
                let (next, wakeups) = take(&state, blockIfWaiting: false)
                guard case .wait = next, let deadline, ContinuousClock.now >= deadline else { return (next, wakeups, nil) }
                return (next, wakeups, state.stall)
            }
            wake(wakeups)
            if let stall { throw stall }
            guard case .wait = next else { return unwrap(next) }
            if let deadline, timer == nil {
                // On a dispatch queue rather than a task: a timeout must fire even while every
                // thread of the cooperative pool is blocked, which is one way a program hangs.
                let wake = DispatchWorkItem { [self] in wakeSuspendedConsumer() }
                DispatchQueue.global().asyncAfter(deadline: .now() + Self.dispatchInterval(deadline - .now), execute: wake)
                timer = wake
            }
            let start = ContinuousClock.now
            await withTaskCancellationHandler {
                await withCheckedContinuation(isolation: isolation) { (continuation: CheckedContinuation<Void, Never>) in
                    // Checking the deadline under the lock closes the gap in which the timer could
                    // fire before this consumer is registered and find no one to wake.
                    let resumeNow = state.withLock { state in
                        if state.stopped || !state.buffer.mustWait { return true }
                        if let deadline, ContinuousClock.now >= deadline { return true }
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

    /// Wakes a suspended consumer whose deadline may have passed; it re-checks and decides.
    private func wakeSuspendedConsumer() {
        let wakeups = state.withLock { state -> Wakeups in
            guard case .suspended = state.consumer else { return Wakeups() }
            return state.takeSleepers(workers: false, consumer: true)
        }
        wake(wakeups)
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

    /// Tells every worker to stop after its current job and wakes all sleepers. Idempotent.
    func stop() {
        let wakeups = state.withLock { state in
            state.stopped = true
            return state.takeSleepers(workers: true, consumer: true)
        }
        wake(wakeups)
    }

    /// Stops the workers, joins every one that leaves promptly (idle, or waiting for room) and
    /// detaches the others, which leave when their job's code returns. Blocks this thread only
    /// while the joined workers wake up and leave, never for a job's code.
    func shutdown() {
        stop()
        for thread in releaseThreads(awaitingExit: false) { thread.join() }
    }

    /// Like `shutdown()`, but suspends instead of blocking while the idle workers leave.
    func shutdown(isolation: isolated (any Actor)? = #isolation) async {
        stop()
        let threads = releaseThreads(awaitingExit: true)
        await withCheckedContinuation(isolation: isolation) { (continuation: CheckedContinuation<Void, Never>) in
            let exited = state.withLock { state in
                if state.awaitedWorkers.isEmpty { return true }
                state.exitWaiter = continuation
                return false
            }
            if exited { continuation.resume() }
        }
        // Every one of these workers has left its loop, so the joins return at once.
        for thread in threads { thread.join() }
    }

    /// Detaches the threads of workers running a job and returns the others' to be joined;
    /// with `awaitingExit`, records the latter for `workerDidExit` to report.
    private func releaseThreads(awaitingExit: Bool) -> [WorkerThread] {
        state.withLock { state in
            var joinable: [WorkerThread] = []
            for (worker, thread) in state.threads {
                let phase = state.phases[worker]
                guard phase.leavesWhenStopped else {
                    thread.detach()
                    continue
                }
                if awaitingExit && phase != .exited { state.awaitedWorkers.insert(worker) }
                joinable.append(thread)
            }
            state.threads.removeAll()
            return joinable
        }
    }

    func wake(_ wakeups: Wakeups) {
        for worker in wakeups.workers { workerWakeups[worker].signal() }
        switch wakeups.consumer {
        case .running: break
        case .blocked: consumerWakeup.signal()
        case .suspended(let continuation): continuation.resume()
        }
    }

    private static func dispatchInterval(_ duration: Duration) -> DispatchTimeInterval {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !nanoseconds.overflow, nanoseconds.partialValue < Int64(Int.max) - 1_000_000_000 else { return .never }
        return .nanoseconds(Int(nanoseconds.partialValue + attoseconds / 1_000_000_000))
    }
}
