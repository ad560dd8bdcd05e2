extension Array {
    /// `init(unsafeUninitializedCapacity:initializingWith:)`, safe to call from several threads at
    /// once with a capacity of 0.
    ///
    /// The standard library's initializer writes the initialized count into the one storage
    /// object that every empty array shares, even when that count is 0: two threads doing so at
    /// once are a data race (of the same value, but a race that ThreadSanitizer rightly reports).
    /// A capacity of 0 here runs `body` on a buffer of its own and returns the shared empty array
    /// untouched.
    package init(
        uninitializedCapacity capacity: Int,
        initializingWith body: (inout UnsafeMutableBufferPointer<Element>, inout Int) throws -> Void
    ) rethrows {
        guard capacity == 0 else {
            try self.init(unsafeUninitializedCapacity: capacity, initializingWith: body)
            return
        }
        // A real, if empty, allocation: bodies may take the buffer's base address.
        let start = UnsafeMutablePointer<Element>.allocate(capacity: 0)
        defer { start.deallocate() }
        var buffer = UnsafeMutableBufferPointer(start: start, count: 0)
        var initialized = 0
        try body(&buffer, &initialized)
        precondition(initialized == 0, "initialized more elements than the capacity of 0")
        self = []
    }
}
