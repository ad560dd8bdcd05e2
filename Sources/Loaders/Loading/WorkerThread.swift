#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One OS thread running a closure, which can be joined: the only user of pthreads.
///
/// Loader workers block while they wait for room or work, so they must be real threads, never
/// tasks on Swift's cooperative pool.
struct WorkerThread {
    private let handle: pthread_t

    /// Starts a thread running `body`.
    /// - Precondition: the system can create the thread (failing is treated as resource exhaustion).
    init(_ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        #if canImport(Darwin)
        var thread: pthread_t?
        let status = pthread_create(&thread, nil, { context in
            Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
            return nil
        }, context)
        precondition(status == 0, "pthread_create failed with status \(status)")
        handle = thread!
        #else
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context)
        precondition(status == 0, "pthread_create failed with status \(status)")
        handle = thread
        #endif
    }

    /// Waits for the thread's closure to return.
    func join() {
        let status = pthread_join(handle, nil)
        precondition(status == 0, "pthread_join failed with status \(status)")
    }

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
