import Foundation
import Synchronization

/// What this process holds of the system's resources, read from Linux's /proc, for tests that
/// check a loader gives back every thread and file descriptor it took.
///
/// Tests run in parallel in one process, so process-wide counts move with other tests; the
/// precise checks follow particular threads (by id) and descriptors (by the files they name).
enum ProcessResources {
    /// The number of threads in this process.
    static var threadCount: Int { entries(of: "/proc/self/task") }

    /// The number of open file descriptors in this process.
    static var descriptorCount: Int { entries(of: "/proc/self/fd") }

    /// The resident memory of this process in bytes (the second field of /proc/self/statm, in pages).
    static var residentBytes: Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// The most resident memory this process has held so far, in bytes (VmHWM in
    /// /proc/self/status): catches a buffer that grew and was freed again before a test looked.
    static var peakResidentBytes: Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first.flatMap({ Int($0) })
        else { return 0 }
        return kilobytes << 10
    }

    /// Starts `peakResidentBytes` again from the present resident memory.
    static func resetPeakResidentBytes() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    /// The kernel's id of the calling thread (what /proc/self/task lists).
    static var currentThreadID: Int {
        // /proc/thread-self links to "<pid>/task/<tid>".
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self"),
              let id = target.split(separator: "/").last.flatMap({ Int($0) })
        else { return -1 }
        return id
    }

    /// Whether the thread with kernel id `id` still exists in this process.
    static func threadIsAlive(_ id: Int) -> Bool {
        FileManager.default.fileExists(atPath: "/proc/self/task/\(id)")
    }

    /// The number of open file descriptors naming a file under `directory`.
    static func descriptorsOpen(under directory: String) -> Int {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.count { name in
            let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(name)")
            return target?.hasPrefix(prefix) == true
        }
    }

    private static func entries(of directory: String) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: directory).count) ?? 0
    }
}

/// Records which threads called into a dataset, to check afterwards that every one has exited.
final class ThreadRecorder: Sendable {
    private let ids = Mutex<Set<Int>>([])

    /// The kernel ids of the threads recorded so far.
    var threadIDs: Set<Int> { ids.withLock { $0 } }

    /// The recorded threads that still exist.
    var liveThreadIDs: Set<Int> { threadIDs.filter(ProcessResources.threadIsAlive) }

    func recordCurrentThread() {
        let id = ProcessResources.currentThreadID
        ids.withLock { _ = $0.insert(id) }
    }
}

/// Polls `condition` every 10 ms until it holds or `seconds` pass (a generous bound that catches
/// what never happens, not a timing assertion); returns whether it held.
func eventually(within seconds: Double = 180, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return true
}

/// The synchronous form of `eventually`, for tests that consume on a thread.
func eventuallySync(within seconds: Double = 180, _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        usleep(10_000)
    }
    return true
}
