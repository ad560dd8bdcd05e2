/// Reads the rows a batch asks for from one dataset with as few reads and decodes as possible.
///
/// Rows are visited in sorted order: chunked and compact data a block at a time through a shared
/// `RowBlockCache`, contiguous data that fits the cache the same way (one `pread` per ~1 MiB
/// block), and larger contiguous data with one `pread` per run of consecutive rows.
final class RowSource: Sendable {
    let stored: StoredDataset
    private let cache: RowBlockCache?

    init(_ stored: StoredDataset, cacheBytes: Int) {
        self.stored = stored
        // Random rows of a contiguous dataset larger than the cache would evict blocks before
        // reuse; reading just the rows is cheaper there.
        let direct = stored.isContiguous && stored.totalByteCount > cacheBytes
        cache = direct ? nil : RowBlockCache(capacity: cacheBytes)
    }

    /// Calls `body(position, rowBytes)` once for each position in `rows`, with a pointer to
    /// `stored.rowByteCount` bytes of row `rows[position]`, valid only during the call.
    /// - Throws: the first read or decode error.
    /// - Complexity: O(n log n) for sorting, plus one read or decode per distinct block or run.
    func visit(_ rows: [Int], _ body: (Int, UnsafeRawPointer) throws -> Void) throws {
        let order = rows.indices.sorted { rows[$0] < rows[$1] }
        let rowBytes = stored.rowByteCount
        var next = 0
        if let cache {
            // The distinct blocks in row order, and their entries fetched under one lock.
            var blocks: [Int] = []
            for position in order {
                let block = rows[position] / stored.blockRows
                if blocks.last != block { blocks.append(block) }
            }
            for (block, entry) in zip(blocks, cache.entries(blocks)) {
                let first = stored.blockRange(block).lowerBound
                let decoded = try cache.block(entry, index: block) { try stored.readBlock(block) }
                try decoded.bytes.withUnsafeBytes { raw in
                    let base = raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                    while next < order.count, rows[order[next]] / stored.blockRows == block {
                        try body(order[next], base + (rows[order[next]] - first) * rowBytes)
                        next += 1
                    }
                }
            }
            return
        }
        var scratch: [UInt8] = []
        while next < order.count {
            var end = next + 1
            while end < order.count, rows[order[end]] - rows[order[end - 1]] <= 1,
                  (rows[order[end]] - rows[order[next]] + 1) * rowBytes <= StoredDataset.targetBlockBytes {
                end += 1
            }
            let run = rows[order[next]]..<(rows[order[end - 1]] + 1)
            let runBytes = run.count * rowBytes
            if scratch.count < runBytes { scratch = [UInt8](repeating: 0, count: runBytes) }
            try scratch.withUnsafeMutableBytes { buffer in
                try stored.readRows(run, into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<runBytes]))
                let base = UnsafeRawPointer(buffer.baseAddress ?? UnsafeMutableRawPointer(bitPattern: 1)!)
                for slot in next..<end {
                    try body(order[slot], base + (rows[order[slot]] - run.lowerBound) * rowBytes)
                }
            }
            next = end
        }
    }
}
