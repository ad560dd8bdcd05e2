import Dispatch
import Foundation
import Synchronization

/// Helper threads kept for the training kernels' parallel loops, one per extra core.
///
/// `DispatchQueue.concurrentPerform` wakes a parked worker for every loop, which costs about
/// 70 µs here, and a training step runs five loops of a few hundred microseconds each. These
/// helpers instead watch for the next loop for two milliseconds after finishing one, so loops
/// that follow each other start at once; after that they park until woken.
///
/// A part whose helper has not picked it up by the time the caller finishes its own part is run by
/// the caller instead: on a shared machine a helper may wait a whole time slice to be scheduled,
/// and a loop then costs no more than running it on one thread.
///
/// One loop runs at a time; a caller that finds the pool busy (another thread training another
/// model) uses `concurrentPerform` instead. A pool and its threads last as long as the process.
final class ComputePool: Sendable {
    /// The pool for `ComputeThreads`, with a helper for every core but the caller's.
    static let shared = ComputePool(helpers: max(0, ProcessInfo.processInfo.activeProcessorCount - 1))

    private let helpers: [Helper]
    /// Bumped once per loop; publishes `loop` to the helpers.
    private let generation = Atomic<Int>(0)
    /// Helpers that have not yet finished the current loop.
    private let pending = Atomic<Int>(0)
    /// Held by the thread running a loop.
    private let entry = Mutex(())
    /// The current loop's parts and body. Written only while `entry` is held and no helper is
    /// running (before `generation` is bumped, after `pending` reaches zero); read by helpers
    /// only between those two points, ordered by the atomics' release and acquire.
    private nonisolated(unsafe) let loop = UnsafeMutablePointer<Loop?>.allocate(capacity: 1)

    private struct Loop {
        var parts: Int
        var body: (Int) -> Void
    }

    /// A helper's parking place: its own semaphore, so a wake-up meant for it cannot be taken
    /// by another.
    private final class Helper: Sendable {
        let parked = Atomic<Bool>(false)
        /// Whether this helper's part of the current loop has been taken, by the helper or by the
        /// caller; whoever takes it runs it and reports it done.
        let taken = Atomic<Bool>(true)
        let wakeUp = DispatchSemaphore(value: 0)
    }

    private static let spinSeconds = 0.002

    init(helpers: Int) {
        self.helpers = (0..<helpers).map { _ in Helper() }
        loop.initialize(to: nil)
        for (index, helper) in self.helpers.enumerated() {
            let thread = Thread { [self] in self.serve(part: index + 1, helper) }
            thread.name = "SwiftLoaders compute \(index + 1)"
            thread.start()
        }
    }

    /// The number of parts a loop can run at once: the caller's and one per helper.
    var width: Int { helpers.count + 1 }

    /// How many helpers are parked (or about to park) rather than watching for the next loop.
    var parkedHelperCount: Int {
        helpers.reduce(0) { $0 + ($1.parked.load(ordering: .relaxed) ? 1 : 0) }
    }

    /// Runs `body(part)` for every `part` in `0..<parts`, concurrently, and returns when all
    /// have finished. The caller runs part 0.
    /// - Precondition: `parts <= width`. (A loop started from inside `body` finds the pool busy
    ///   and runs through `concurrentPerform`.)
    func run(parts: Int, _ body: (Int) -> Void) {
        precondition(parts <= width, "\(parts) parts for \(width) threads")
        // Safe to hand over: every part has finished, and the loop is cleared, when this returns.
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            let ran: Bool? = entry.withLockIfAvailable { _ in
                loop.pointee = Loop(parts: parts, body: body)
                pending.store(helpers.count, ordering: .relaxed)
                for helper in helpers { helper.taken.store(false, ordering: .releasing) }
                generation.add(1, ordering: .sequentiallyConsistent)
                for helper in helpers where helper.parked.load(ordering: .sequentiallyConsistent) {
                    helper.wakeUp.signal()
                }
                body(0)
                for (index, helper) in helpers.enumerated()
                where !helper.taken.exchange(true, ordering: .acquiringAndReleasing) {
                    if index + 1 < parts { body(index + 1) }
                    pending.subtract(1, ordering: .releasing)
                }
                while pending.load(ordering: .acquiring) > 0 { Self.pause() }
                loop.pointee = nil
                return true
            }
            if ran == nil {
                DispatchQueue.concurrentPerform(iterations: parts) { body($0) }
            }
        }
    }

    /// A helper's life: wait for a loop, run its part, report, repeat.
    private func serve(part: Int, _ helper: Helper) {
        var seen = 0
        while true {
            seen = waitForLoop(after: seen, helper)
            // Taken already: the caller ran this part (of this loop, or of a later one that
            // started while this helper was not running).
            guard !helper.taken.exchange(true, ordering: .acquiringAndReleasing) else { continue }
            if let current = loop.pointee, part < current.parts { current.body(part) }
            pending.subtract(1, ordering: .releasing)
        }
    }

    /// Watches `generation` until it passes `seen`, parking after `spinSeconds`.
    private func waitForLoop(after seen: Int, _ helper: Helper) -> Int {
        var deadline = DispatchTime.now().uptimeNanoseconds + UInt64(Self.spinSeconds * 1e9)
        var spins = 0
        while true {
            let latest = generation.load(ordering: .acquiring)
            if latest != seen { return latest }
            spins += 1
            guard spins & 255 == 0 else { continue }
            Self.pause()
            guard DispatchTime.now().uptimeNanoseconds > deadline else { continue }
            // Announce the nap, then look once more: a loop started in between is either seen
            // here or its starter sees `parked` and signals (an extra signal only makes a later
            // nap end early, and the loop looks again).
            helper.parked.store(true, ordering: .sequentiallyConsistent)
            if generation.load(ordering: .sequentiallyConsistent) == seen { helper.wakeUp.wait() }
            helper.parked.store(false, ordering: .sequentiallyConsistent)
            deadline = DispatchTime.now().uptimeNanoseconds + UInt64(Self.spinSeconds * 1e9)
        }
    }

    /// Lets another runnable thread (a data-loading worker) use the core while waiting.
    private static func pause() {
        sched_yield()
    }
}
