/// Cuts a CSV file's data into byte ranges that start at record boundaries, for parallel parsing
/// and for shards, without parsing it.
///
/// A line break is a record boundary only outside quotes. In a well-formed file a position is
/// outside quotes exactly when an even number of quote bytes precede it (an escaped `""` counts
/// two), so the cut needs only the quote count before each nominal cut: the pieces count their
/// quotes in parallel, and each cut moves forward from its nominal offset to the first line start
/// with even parity. In a malformed file the cuts after the first defect may be wrong, but the
/// piece holding the defect starts right and reports it, and errors are taken in file order.
///
/// Each cut searches its own piece only: a piece with no record start (inside one long line)
/// stays empty and its records begin at the next cut. So one line as long as the file is read
/// once in all, not once per cut.
enum CSVSplitter {
    /// `pieces + 1` increasing offsets from `start` to `end`; piece `i` holds the records that start
    /// in `bounds[i]..<bounds[i+1]` (possibly none). The threads share one file (positioned reads).
    static func bounds(of file: CSVText, from start: Int, to end: Int, pieces: Int, threads: Int) throws -> [Int] {
        let pieces = max(1, min(pieces, end - start))
        if pieces == 1 { return [start, end] }
        let nominal = (0...pieces).map { start + (end - start) * $0 / pieces }
        let quoteCounts = try CSVParallel.map(count: pieces, threads: threads) { piece in
            try countQuotes(in: file, from: nominal[piece], to: nominal[piece + 1])
        }
        let quotesBefore = quoteCounts.reduce(into: [0]) { $0.append($0.last! + $1) }
        let cuts = try CSVParallel.map(count: pieces - 1, threads: threads) { index in
            try recordStart(
                in: file, atOrAfter: nominal[index + 1], before: nominal[index + 2], quotesBefore: quotesBefore[index + 1])
        }
        // A piece without a record start begins where the next one does.
        var bounds = [Int](repeating: end, count: pieces + 1)
        bounds[0] = start
        for piece in (1..<pieces).reversed() { bounds[piece] = cuts[piece - 1] ?? bounds[piece + 1] }
        return bounds
    }

    private static func countQuotes(in file: CSVText, from start: Int, to end: Int) throws -> Int {
        let reader = CSVBlockReader(file: file, from: start, to: end, blockSize: 1 << 20)
        var count = 0
        repeat {
            try reader.refill(keepingFrom: reader.end)
            count += ByteSearch.count(0x22, from: reader.start, to: reader.end)
        } while !reader.isAtEnd
        return count
    }

    /// The first position in `offset..<limit` (`offset` > 0) that starts a line, quotes or not;
    /// nil when there is none.
    static func lineStart(in file: CSVText, atOrAfter offset: Int, before limit: Int) throws -> Int? {
        try recordStart(in: file, atOrAfter: offset, before: limit, quotesBefore: 0, quoteAware: false)
    }

    /// The first position in `offset..<limit` that starts a line outside quotes; nil when there is none.
    private static func recordStart(
        in file: CSVText, atOrAfter offset: Int, before limit: Int, quotesBefore: Int, quoteAware: Bool = true
    ) throws -> Int? {
        let reader = CSVBlockReader(file: file, from: offset - 1, to: limit, blockSize: 64 * 1024)
        try reader.refill(keepingFrom: reader.start)
        // The byte before `offset` decides whether `offset` itself starts a line.
        // (It is counted in `quotesBefore` already.)
        var inQuotes = quotesBefore % 2 == 1
        var previous = reader.start.pointee
        var pointer = reader.start + 1
        while true {
            let end = reader.end
            while pointer < end {
                let byte = pointer.pointee
                if !inQuotes && (previous == 0x0A || (previous == 0x0D && byte != 0x0A)) {
                    return reader.fileOffset(of: pointer)
                }
                if byte == 0x22 && quoteAware { inQuotes.toggle() }
                previous = byte
                pointer += 1
            }
            if reader.isAtEnd { return nil }
            try reader.refill(keepingFrom: reader.end)
            pointer = reader.start
        }
    }
}
