import Dispatch
import Foundation
import Loaders
import Synchronization

/// How many threads the training kernels use; defaults to every core.
///
/// On a machine shared with data-loading workers, fewer compute threads than cores can keep
/// the two from competing; `loaders train --threads N` sets this.
public enum ComputeThreads {
    private static let storage = Atomic<Int>(0)
    private static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// The number of threads a kernel splits its work across, at least 1.
    public static var count: Int {
        get {
            let value = storage.load(ordering: .relaxed)
            return value > 0 ? value : cores
        }
        set {
            require(newValue >= 1, "ComputeThreads.count must be at least 1, got \(newValue)")
            storage.store(newValue, ordering: .relaxed)
        }
    }

    /// Splits `0..<count` into at most `ComputeThreads.count` contiguous ranges of at least
    /// `minimumChunk` elements and runs `body(part, range)` for each, concurrently.
    ///
    /// `part` numbers the ranges from 0, so a caller can give each its own scratch memory.
    static func parallelChunks(_ count: Int, minimumChunk: Int = 1, _ body: (Int, Range<Int>) -> Void) {
        let parts = Self.partCount(count, minimumChunk: minimumChunk)
        if parts <= 1 {
            if count > 0 { body(0, 0..<count) }
            return
        }
        // The callers' parts write disjoint memory (their own rows, columns or scratch).
        let pool = ComputePool.shared
        if parts <= pool.width {
            pool.run(parts: parts) { part in body(part, chunk(part, of: parts, count: count)) }
        } else {
            nonisolated(unsafe) let body = body
            DispatchQueue.concurrentPerform(iterations: parts) { part in
                body(part, chunk(part, of: parts, count: count))
            }
        }
    }

    /// Runs `body(part, task)` for every task in `0..<tasks` on up to `ComputeThreads.count`
    /// threads.
    ///
    /// Each part first runs the tasks `parallelChunks` would give it (its home range), in order, so
    /// a layer whose passes all split a batch this way keeps each sample's data in one core's
    /// cache from pass to pass: on a machine whose cores share data slowly (cores on different
    /// dies), passing a batch's activations between them costs more than the arithmetic. A part
    /// that finishes early then takes the next tasks of the others' ranges, so a thread slowed by
    /// another process on a shared machine leaves its share to the others instead of holding the
    /// loop up.
    ///
    /// `part` numbers the threads from 0, for scratch memory; which thread runs a task varies from
    /// run to run, so a task's result must depend on the task alone (sums are kept per task).
    static func parallelTasks(_ tasks: Int, _ body: (_ part: Int, _ task: Int) -> Void) {
        let parts = Self.partCount(tasks)
        if parts <= 1 {
            for task in 0..<tasks { body(0, task) }
            return
        }
        // How many tasks of each home range have been claimed.
        let claimed = UnsafeMutablePointer<Atomic<Int>>.allocate(capacity: parts)
        for home in 0..<parts { (claimed + home).initialize(to: Atomic(0)) }
        defer {
            _ = claimed.deinitialize(count: parts)
            claimed.deallocate()
        }
        nonisolated(unsafe) let counters = claimed
        // Every part has finished when the loop below returns.
        nonisolated(unsafe) let body = body
        @Sendable func drain(from part: Int) {
            for offset in 0..<parts {
                let home = (part + offset) % parts
                let range = chunk(home, of: parts, count: tasks)
                while case let index = counters[home].wrappingAdd(1, ordering: .relaxed).oldValue, index < range.count {
                    body(part, range.lowerBound + index)
                }
            }
        }
        let pool = ComputePool.shared
        if parts <= pool.width {
            pool.run(parts: parts) { drain(from: $0) }
        } else {
            DispatchQueue.concurrentPerform(iterations: parts) { drain(from: $0) }
        }
    }

    /// The fewest parameters a thread takes in an optimizer's step, and in the gradient sums that
    /// feed it, so both give each thread the same range of a parameter.
    static let parameterChunk = 16_384

    /// The number of ranges `parallelChunks` uses for `count` elements.
    static func partCount(_ count: Int, minimumChunk: Int = 1) -> Int {
        max(1, min(Self.count, count / max(1, minimumChunk)))
    }

    /// The `part`-th of `parts` near-equal contiguous ranges covering `0..<count`.
    static func chunk(_ part: Int, of parts: Int, count: Int) -> Range<Int> {
        (count * part / parts)..<(count * (part + 1) / parts)
    }
}

