import Dispatch
import Synchronization

/// Runs independent pieces of work on a few threads, each thread taking the next piece as it
/// finishes one, so that a slow piece (or a busy core) does not hold the others back.
enum CSVParallel {
    /// Calls `body` for every index in `0..<count` on up to `threads` threads.
    /// - Returns: the results in index order.
    /// - Throws: the error of the lowest index that failed (after all pieces have stopped).
    static func map<Result: Sendable>(
        count: Int, threads: Int, _ body: @Sendable (Int) throws -> Result
    ) throws -> [Result] {
        let results = Mutex<[Int: Swift.Result<Result, any Error>]>([:])
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, count))) { _ in
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                if index >= count { return }
                let result = Swift.Result { try body(index) }
                results.withLock { $0[index] = result }
            }
        }
        return try results.withLock { results in try (0..<count).map { try results[$0]!.get() } }
    }
}
