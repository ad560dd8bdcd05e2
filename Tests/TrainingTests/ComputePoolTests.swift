import Foundation
import Synchronization
import Testing
@testable import Training

@Suite struct ComputePoolTests {
    /// Every index is visited exactly once, loop after loop, including loops that start after
    /// the helpers have parked.
    @Test func everyPartRunsOnceAcrossManyLoops() throws {
        let pool = ComputePool(helpers: 1)
        var counts = [Int](repeating: 0, count: 2)
        for round in 0..<2_000 {
            counts.withUnsafeMutableBufferPointer { counts in
                pool.run(parts: 2) { part in counts[part] += 1 }
            }
            if round % 500 == 0 { Thread.sleep(forTimeInterval: 0.01) }  // long enough to park
        }
        #expect(counts == [2_000, 2_000])
    }

    /// `parallelTasks` runs every task exactly once, for counts that do and do not divide among
    /// the threads' home ranges.
    @Test func everyTaskRunsOnce() {
        for tasks in [0, 1, 2, 3, 7, 64, 1_001] {
            let runs = Mutex([Int](repeating: 0, count: tasks))
            for _ in 0..<50 {
                ComputeThreads.parallelTasks(tasks) { _, task in runs.withLock { $0[task] += 1 } }
            }
            #expect(runs.withLock { $0 } == [Int](repeating: 50, count: tasks), "\(tasks) tasks")
        }
    }

    /// Fewer parts than threads leave the extra helper idle.
    @Test func fewerPartsThanThreads() {
        let pool = ComputePool(helpers: 3)
        let visits = Atomic<Int>(0)
        for _ in 0..<100 { pool.run(parts: 2) { _ in visits.add(1, ordering: .relaxed) } }
        #expect(visits.load(ordering: .relaxed) == 200)
    }

    /// Loops started from several threads at once each cover their range exactly once (one uses
    /// the pool; the others fall back to Dispatch).
    @Test func concurrentCallers() async {
        let totals = await withTaskGroup(of: Int.self) { group in
            for caller in 0..<4 {
                group.addTask {
                    var sum = 0
                    for _ in 0..<200 {
                        var values = [Int](repeating: 0, count: 1_000)
                        values.withUnsafeMutableBufferPointer { values in
                            ComputeThreads.parallelChunks(1_000) { _, range in
                                for index in range { values[index] += index + caller }
                            }
                        }
                        sum = values.reduce(0, +)
                    }
                    return sum - 1_000 * caller
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(totals == [499_500, 499_500, 499_500, 499_500])
    }

    /// Idle helpers stop watching for loops and park, and a parked helper wakes for the next
    /// loop: the pool neither spins forever nor misses a loop after a pause.
    @Test func idleHelpersParkAndWakeForTheNextLoop() {
        let pool = ComputePool(helpers: 2)
        func waitUntilAllParked() -> Bool {
            // The helpers watch for 2 ms; a loaded machine may delay them, so allow two seconds.
            let deadline = Date().addingTimeInterval(2)
            while Date() < deadline {
                if pool.parkedHelperCount == 2 { return true }
                Thread.sleep(forTimeInterval: 0.005)
            }
            return false
        }
        for _ in 0..<3 {
            #expect(waitUntilAllParked())
            let visits = Atomic<Int>(0)
            pool.run(parts: 3) { _ in visits.add(1, ordering: .relaxed) }
            #expect(visits.load(ordering: .relaxed) == 3)
        }
        #expect(waitUntilAllParked())
    }
}
