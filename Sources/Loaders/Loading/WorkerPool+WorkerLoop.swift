extension WorkerPool {
    /// What a worker does next, decided under the lock.
    enum WorkerStep {
        case run(Int)
        case sleep
        case exit
    }

    /// One worker's loop: claim the next job in the window, run it, repeat; sleep when the window
    /// is full; leave when the pool stops or no job is left to claim.
    func runWorker(_ worker: Int) {
        while true {
            let step = state.withLock { state -> WorkerStep in
                if state.stopped { return .exit }
                if let claimed = state.buffer.claim() {
                    state.phases[worker] = .running(claimed)
                    let inFlight = state.buffer.jobsInFlight
                    recorder.update { $0.peakJobsInFlight = max($0.peakJobsInFlight, inFlight) }
                    return .run(claimed)
                }
                if state.buffer.claimingIsOver { return .exit }
                state.sleepingWorkers.append(worker)
                return .sleep
            }
            switch step {
            case .exit:
                workerDidExit(worker)
                return
            case .sleep:
                workerWakeups[worker].wait()
            case .run(let claimed):
                let start = ContinuousClock.now
                let failed = job(claimed, worker) { item in emit(item, job: claimed, worker: worker) }
                let loading = ContinuousClock.now - start
                recorder.update { $0.workerLoadTime += loading }
                let wakeups = state.withLock { state in
                    state.buffer.finish(claimed, failed: failed)
                    state.phases[worker] = .idle
                    // A failure ends claiming; sleeping workers must see that and leave.
                    return state.takeSleepers(workers: failed, consumer: true)
                }
                wake(wakeups)
            }
        }
    }

    /// Appends `item` to `job`'s channel, sleeping while the channel is full.
    private func emit(_ item: Item, job: Int, worker: Int) -> Bool {
        while true {
            let (appended, wakeups) = state.withLock { state -> (Bool?, Wakeups) in
                state.phases[worker] = .running(job)
                if state.stopped { return (false, Wakeups()) }
                guard state.buffer.hasRoom(in: job) else {
                    state.sleepingWorkers.append(worker)
                    // Asleep here, the worker leaves promptly once stopped: it may be joined.
                    state.phases[worker] = .waitingForRoom(job)
                    return (nil, Wakeups())
                }
                state.buffer.append(item, to: job)
                return (true, state.takeSleepers(workers: false, consumer: true))
            }
            wake(wakeups)
            if let appended { return appended }
            workerWakeups[worker].wait()
        }
    }

    private func workerDidExit(_ worker: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.phases[worker] = .exited
            guard state.awaitedWorkers.remove(worker) != nil, state.awaitedWorkers.isEmpty else { return nil }
            defer { state.exitWaiter = nil }
            return state.exitWaiter
        }
        recorder.update { $0.liveWorkers -= 1 }
        waiter?.resume()
    }
}
