import Foundation
import Synchronization
import Testing
@testable import Training

/// The caller runs parts its helpers have not picked up yet: each part still runs exactly once,
/// whoever runs it, and a loop's writes are all visible when `run` returns.
@Suite struct ComputePoolHandOverTests {
    /// Tiny parts, back to back, on more helpers than cores: the caller finishes its part first
    /// and takes over most of the others, while late helpers see loops that have moved on.
    @Test func everyPartRunsExactlyOnceWhoeverRunsIt() {
        let pool = ComputePool(helpers: 3)
        let rounds = 20_000
        var counts = [Int](repeating: 0, count: 4 * rounds)
        let byCaller = Atomic<Int>(0)
        let caller = pthread_self()
        counts.withUnsafeMutableBufferPointer { counts in
            for round in 0..<rounds {
                pool.run(parts: round % 4 + 1) { part in
                    counts[4 * round + part] += 1
                    if pthread_equal(pthread_self(), caller) != 0 && part > 0 { byCaller.add(1, ordering: .relaxed) }
                }
                // Every write of the loop is visible here.
                for part in 0...(round % 4) where counts[4 * round + part] != 1 {
                    Issue.record("round \(round), part \(part) ran \(counts[4 * round + part]) times")
                }
            }
        }
        let ran = counts.reduce(0, +)
        #expect(ran == (0..<rounds).reduce(0) { $0 + $1 % 4 + 1 })
        #expect(byCaller.load(ordering: .relaxed) > 0)
    }
}
