/// Reads a file front to back through one reusable buffer, keeping a partial record across refills.
///
/// The byte after the valid data is always a line feed: a sentinel that stops every scanning loop
/// of the parser without a bounds check; the parser tells it from a real line feed by its address.
/// Seven more bytes follow it, so the parser may load a word at any position up to the sentinel.
/// Memory is the buffer alone: it grows only when one record is longer than the buffer.
final class CSVBlockReader {
    /// Large enough that a refill costs little next to parsing what it read.
    static let defaultBlockSize = 256 * 1024

    let file: CSVText
    /// The file offset of `start[0]`.
    private(set) var offset: Int
    /// The valid bytes: `start..<end`; `end.pointee` is the sentinel.
    private(set) var start: UnsafePointer<UInt8>
    private(set) var end: UnsafePointer<UInt8>
    /// Whether `end` is the end of the input (the file's end or the reader's limit).
    private(set) var isAtEnd = false
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private let limit: Int

    /// Starts reading `file` at `offset`, stopping at `limit` (the file's size by default).
    init(file: CSVText, from offset: Int, to limit: Int? = nil, blockSize: Int = defaultBlockSize) {
        self.file = file
        self.offset = offset
        self.limit = min(limit ?? file.size, file.size)
        // No larger than what there is to read: a small file or range needs no full block.
        capacity = max(min(blockSize, self.limit - offset), 64)
        storage = Self.allocate(capacity)
        start = UnsafePointer(storage)
        end = start
        isAtEnd = offset >= self.limit
    }

    deinit { storage.deallocate() }

    /// `capacity` bytes for data, then the sentinel and padding, all initialized.
    private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<UInt8> {
        let storage = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity + 8)
        storage.initialize(repeating: 0x0A, count: capacity + 8)
        return storage
    }

    /// The file offset of `pointer`, a position in the current buffer.
    func fileOffset(of pointer: UnsafePointer<UInt8>) -> Int { offset + (pointer - start) }

    /// Keeps the bytes from `keep` on (a record not yet complete) and reads more after them,
    /// growing the buffer when the kept bytes fill it.
    /// - Throws: `LoaderError` `.io` when the read fails.
    func refill(keepingFrom keep: UnsafePointer<UInt8>) throws {
        let kept = end - keep
        let keptOffset = fileOffset(of: keep)
        if kept > 0 && keep != start {
            UnsafeMutablePointer(mutating: start).update(from: keep, count: kept)
        }
        if kept >= capacity / 2 {
            let larger = Self.allocate(capacity * 2)
            larger.update(from: storage, count: kept)
            storage.deallocate()
            storage = larger
            capacity *= 2
        }
        let wanted = min(capacity - kept, limit - (keptOffset + kept))
        let read = wanted > 0
            ? try file.read(into: UnsafeMutableRawBufferPointer(start: storage + kept, count: wanted), at: keptOffset + kept)
            : 0
        offset = keptOffset
        start = UnsafePointer(storage)
        end = start + kept + read
        storage[kept + read] = 0x0A
        isAtEnd = read < wanted || keptOffset + kept + read >= limit
    }
}
