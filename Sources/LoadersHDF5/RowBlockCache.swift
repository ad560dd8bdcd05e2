import Synchronization

/// Decoded blocks shared by every thread reading one dataset, each decoded once, bounded in bytes.
///
/// A block's first reader decodes it while holding only that block's lock, so other threads keep
/// decoding other blocks in parallel and a thread wanting the same block waits for it instead of
/// decoding it twice. When the blocks held exceed `capacity` bytes the oldest are dropped (they
/// are decoded again if asked for).
final class RowBlockCache: Sendable {
    private final class Entry: Sendable {
        let bytes = Mutex<[UInt8]?>(nil)
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        var sizes: [Int: Int] = [:]
        /// Blocks in the order they were added; `head` is the oldest still present.
        var order: [Int] = []
        var head = 0
        var heldBytes = 0
    }

    /// The most decoded bytes kept.
    let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int) {
        precondition(capacity >= 0, "cache capacity must not be negative")
        self.capacity = capacity
    }

    /// Block `index`'s bytes, calling `decode` if no thread has decoded it yet.
    /// - Throws: what `decode` throws; the next request retries.
    func block(_ index: Int, decode: () throws -> [UInt8]) throws -> [UInt8] {
        let entry = state.withLock { state in
            if let entry = state.entries[index] { return entry }
            let entry = Entry()
            state.entries[index] = entry
            state.order.append(index)
            return entry
        }
        return try entry.bytes.withLock { stored in
            if let stored { return stored }
            let decoded = try decode()
            stored = decoded
            account(decoded.count, for: index, entry: entry)
            return decoded
        }
    }

    private func account(_ bytes: Int, for index: Int, entry: Entry) {
        state.withLock { state in
            // An entry dropped while it was being decoded is no longer counted.
            guard state.entries[index] === entry else { return }
            state.sizes[index] = bytes
            state.heldBytes += bytes
            while state.heldBytes > capacity, state.head < state.order.count {
                let oldest = state.order[state.head]
                state.head += 1
                state.entries[oldest] = nil
                state.heldBytes -= state.sizes.removeValue(forKey: oldest) ?? 0
            }
            if state.head > 1024, state.head * 2 > state.order.count {
                state.order.removeFirst(state.head)
                state.head = 0
            }
        }
    }
}
