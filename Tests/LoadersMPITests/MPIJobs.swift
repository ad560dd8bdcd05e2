/// One MPI job at a time across every suite of this target that starts `mpirun`: ranks waiting in
/// a collective spin, and two jobs at once on two cores would starve each other and the suites
/// running beside them. `.serialized` orders the tests of one suite only; this orders them all.
actor MPIJobs {
    private static let shared = MPIJobs()
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `job` once no other job runs, in the order the callers arrived.
    static func oneAtATime<Result>(_ job: () async throws -> Result) async throws -> Result {
        await shared.acquire()
        do {
            let result = try await job()
            await shared.release()
            return result
        } catch {
            await shared.release()
            throw error
        }
    }

    private func acquire() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the turn to the next caller, or frees it.
    private func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}
