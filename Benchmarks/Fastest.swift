// The timing shared by the Swift benchmarks built from the training core's files
// (`unfold.swift`, `winograd.swift`): compile it with them.
import Foundation

func seconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// The smallest time of `body` over `runs` runs, in milliseconds.
func fastest(runs: Int, _ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<runs {
        let start = seconds()
        body()
        best = min(best, seconds() - start)
    }
    return best * 1e3
}
