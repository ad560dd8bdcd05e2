#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One OS thread running a closure, which can be joined or detached: the only user of pthreads.
///
/// Loader workers block while they wait for room or work, so they must be real threads, never
/// tasks on Swift's cooperative pool.
struct WorkerThread {
    private let handle: pthread_t

    /// Starts a thread running `body`.
    /// - Throws: `LoaderError` `.resourceExhausted` naming the system's reason when the thread
    ///   cannot be created (too many threads for the process or user, no memory for its stack).
    init(_ body: @escaping @Sendable () -> Void) throws(LoaderError) {
        let context = Unmanaged.passRetained(Body(body))
        #if canImport(Darwin)
        var thread: pthread_t?
        let status = pthread_create(&thread, nil, { context in
            Unmanaged<Body>.fromOpaque(context).takeRetainedValue().run()
            return nil
        }, context.toOpaque())
        #else
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { context in
            Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
            return nil
        }, context.toOpaque())
        #endif
        guard status == 0 else {
            // The thread never ran, so the body's retain is still ours to release.
            context.release()
            throw LoaderError(.resourceExhausted, "cannot start a worker thread: \(String(cString: strerror(status)))")
        }
        #if canImport(Darwin)
        handle = thread!
        #else
        handle = thread
        #endif
    }

    /// Waits for the thread's closure to return.
    func join() {
        let status = pthread_join(handle, nil)
        precondition(status == 0, "pthread_join failed with status \(status)")
    }

    /// Lets the thread finish on its own: its resources are released when its closure returns,
    /// and it must not be joined afterwards.
    func detach() {
        let status = pthread_detach(handle)
        precondition(status == 0, "pthread_detach failed with status \(status)")
    }

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
