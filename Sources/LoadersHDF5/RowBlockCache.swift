import Synchronization

/// Decoded blocks shared by every thread reading one dataset, each decoded once, bounded in bytes.
///
/// A block's first reader decodes it while holding only that block's lock, so other threads keep
/// decoding other blocks in parallel, and a thread wanting the same block waits for it instead of
/// decoding it twice. Once decoded, a block is read without any lock (an atomic load), and a
/// batch finds all its blocks' entries under one lock of the table, so workers reading the same
/// blocks do not contend. When the blocks held exceed `capacity` bytes the oldest are dropped
/// (decoded again if asked for).
final class RowBlockCache: Sendable {
    /// A decoded block's bytes, never mutated after decoding.
    final class Block: Sendable {
        let bytes: [UInt8]

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }
    }

    /// One block's slot: set once, read lock-free.
    final class Entry: Sendable {
        fileprivate let block = AtomicLazyReference<Block>()
        fileprivate let decoding = Mutex<Void>(())
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

    /// The entries of `blocks` (created empty where missing), under one lock.
    func entries(_ blocks: [Int]) -> [Entry] {
        state.withLock { state in
            blocks.map { index in
                if let entry = state.entries[index] { return entry }
                let entry = Entry()
                state.entries[index] = entry
                state.order.append(index)
                return entry
            }
        }
    }

    /// The block held by `entry` (for block `index`), calling `decode` if no thread has decoded it yet.
    /// - Throws: what `decode` throws; the next request retries.
    func block(_ entry: Entry, index: Int, decode: () throws -> [UInt8]) throws -> Block {
        if let block = entry.block.load() { return block }
        return try entry.decoding.withLock { _ in
            if let block = entry.block.load() { return block }
            let block = entry.block.storeIfNil(Block(try decode()))
            account(block.bytes.count, for: index, entry: entry)
            return block
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
