#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Loaders
import Synchronization

/// One dataset opened for reading rows (slices along the first dimension), knowing where its
/// bytes are and how to decode them without libhdf5 where it can.
///
/// Rows are grouped into blocks, the unit of decoding and caching: a block is one row-chunk of a
/// chunked dataset, or about 1 MiB of rows otherwise. Contiguous data is read with `pread` at the
/// dataset's file offset, and chunks written with h5py's default filters (gzip, shuffle,
/// fletcher32) are read raw through libhdf5 (one call at a time, a search of the chunk index
/// each), then checked and inflated in the calling thread, so many threads decode at once;
/// compact datasets, unfiltered chunks and filters only libhdf5 can decode are read by H5Dread.
final class StoredDataset: Sendable {
    /// Where a dataset's element bytes come from.
    enum Source: Sendable {
        /// One run of bytes at this absolute file offset.
        case contiguous(offset: Int)
        /// Storage never allocated: every element is the fill value.
        case fill
        /// Filtered chunks decoded here.
        case chunks(ChunkPlan)
        /// Everything through libhdf5 (compact layout, chunks without filters or with filters
        /// only libhdf5 knows).
        case library
    }

    /// The chunk grid of a chunked dataset whose filters are all decoded here.
    struct ChunkPlan: Sendable {
        var chunkShape: [Int]
        var chunkByteCount: Int
        /// Chunks along each dimension after the first.
        var innerGrid: [Int]
        /// Whether one chunk spans whole rows, so a block is exactly one chunk.
        var spansRows: Bool
        /// The positions in the chunk grid (nil when they overflow `Int`).
        var gridCount: Int?
    }

    /// The largest block or chunk held in memory at once.
    static let maximumBlockBytes = 1 << 30
    /// Rows per block when the layout does not fix it.
    static let targetBlockBytes = 1 << 20

    let info: HDF5DatasetInfo
    let file: HDF5File
    private let handle: HDF5Handle
    private let type: HDF5Handle
    let source: Source
    private let fillElement: [UInt8]
    /// `shape[0]`, or 1 for a scalar dataset.
    let rowCount: Int
    let rowElementCount: Int
    let rowByteCount: Int
    let blockRows: Int
    /// The chunks the chunk index holds, counted by one walk the first time a chunk is missing.
    let allocatedChunks = Mutex<Int?>(nil)
    /// Up to this many stored chunks, a chunk the index search misses is looked for by a walk.
    static let walkCheckedChunkCount = 1024

    /// Opens `datasetPath` in `file` and plans how to read it (`.libhdf5` sends every read through libhdf5).
    /// - Throws: `LoaderError` naming the file and dataset when it is missing, of an unsupported
    ///   type or layout, too large, or when its stored bytes lie beyond the end of the file.
    init(file: HDF5File, datasetPath: String, strategy: HDF5ReadStrategy = .direct) throws {
        let (handle, type) = try HDF5Calls.openDataset(datasetPath, file: file.handle, linkAccess: file.linkAccess, path: file.path)
        let description = try HDF5Calls.describe(handle, type: type, datasetPath: datasetPath, path: file.path)
        let info = HDF5DatasetInfo(
            path: datasetPath, elementType: description.element, byteOrder: description.byteOrder,
            shape: description.shape, maxShape: description.maxShape, layout: description.layout,
            chunkShape: description.chunkShape, filters: description.filters)
        func failure(_ code: LoaderError.Code, _ message: String) -> LoaderError {
            LoaderError(code, message, path: file.path, location: .datasetPath(datasetPath))
        }
        let elementSize = description.element.byteCount
        let rowCount = description.shape.first ?? 1
        // Every product of the shape's extents, taken left to right as `elementCount` and
        // `Tensor` take them, must fit: [9, 2^62, 0] holds no elements but overflows on the way.
        guard MemoryLimit.product(description.shape) != nil, let rowElements = MemoryLimit.product(description.shape.dropFirst()),
              let rowBytes = MemoryLimit.product([rowElements, elementSize]), let totalBytes = MemoryLimit.product([rowBytes, rowCount]) else {
            throw failure(.unsupported, "shape \(description.shape) is too large to address")
        }
        if let dimension = Self.dimension(of: description.shape, exceeding: description.maxShape) {
            throw failure(.malformed, "dimension \(dimension) of shape \(description.shape) exceeds its maximum \(description.maxShape[dimension]!)")
        }
        guard rowBytes <= Self.maximumBlockBytes else {
            throw failure(.unsupported, "rows of \(rowBytes) bytes exceed the \(Self.maximumBlockBytes)-byte limit")
        }
        // libhdf5 1.10 trusts a compact or contiguous dataset's dataspace over its stored size and
        // reads past its buffer when a damaged file stores less; refuse any disagreement here
        // (HDF5 2 does too).
        if description.layout != .chunked, description.contiguousAddress != nil || description.layout == .compact,
           description.storageSize != totalBytes {
            throw failure(.malformed, "the shape \(description.shape) needs \(totalBytes) bytes but the file stores \(description.storageSize)")
        }
        var blockRows = max(1, min(max(rowCount, 1), Self.targetBlockBytes / max(rowBytes, 1)))
        let source: Source
        switch description.layout {
        case .contiguous:
            if let address = description.contiguousAddress {
                // libhdf5 reports absolute file offsets (a user block already counted).
                let offset = Int(clamping: address)
                guard offset <= file.size, totalBytes <= file.size - offset else {
                    throw LoaderError(
                        .truncated, "\(totalBytes) bytes of data stored at byte \(offset) run past the file's end (\(file.size) bytes)",
                        path: file.path, location: .datasetPath(datasetPath))
                }
                source = .contiguous(offset: offset)
            } else {
                guard !description.fillUndefined else {
                    throw failure(.malformed, "the data was never written and the dataset defines no fill value")
                }
                source = .fill
            }
        case .compact:
            source = .library
        case .chunked:
            let chunkShape = description.chunkShape ?? []
            guard let chunkBytes = MemoryLimit.product(chunkShape + [elementSize]), chunkBytes <= Self.maximumBlockBytes, !chunkShape.isEmpty else {
                throw failure(.unsupported, "chunks of shape \(chunkShape) exceed the \(Self.maximumBlockBytes)-byte limit")
            }
            // libhdf5 refuses such chunks when creating a dataset, but H5Dread of a file damaged to
            // hold them writes out of bounds (SIGSEGV).
            if let dimension = Self.dimension(of: chunkShape, exceeding: description.maxShape) {
                throw failure(.malformed, "dimension \(dimension) of chunks \(chunkShape) exceeds the dataset's maximum \(description.maxShape[dimension]!)")
            }
            blockRows = chunkShape[0]
            guard rowBytes.multipliedReportingOverflow(by: blockRows).partialValue <= Self.maximumBlockBytes,
                  !rowBytes.multipliedReportingOverflow(by: blockRows).overflow else {
                throw failure(.unsupported, "a row of chunks of shape \(chunkShape) exceeds the \(Self.maximumBlockBytes)-byte limit")
            }
            // Chunks without filters hold nothing to decode: H5Dread copies them as fast, and only
            // it knows how many bytes to read where a damaged index entry claims another size
            // (H5Dread_chunk would read the claimed size into a buffer of the chunk's).
            let decodable = !description.filters.isEmpty && description.filters.allSatisfy {
                if case .other = $0 { return false }
                return true
            }
            if decodable {
                let inner = Array(zip(description.shape, chunkShape).dropFirst())
                source = .chunks(ChunkPlan(
                    chunkShape: chunkShape, chunkByteCount: chunkBytes,
                    innerGrid: inner.map { extent, chunk in Self.chunksAlong(extent, chunk) },
                    spansRows: inner.allSatisfy { extent, chunk in chunk == extent },
                    gridCount: MemoryLimit.product(zip(description.shape, chunkShape).map { extent, chunk in Self.chunksAlong(extent, chunk) })))
            } else {
                source = .library
            }
        }
        self.info = info
        self.file = file
        self.handle = handle
        self.type = type
        self.source = strategy == .libhdf5 ? .library : source
        self.fillElement = description.fillValue
        self.rowCount = rowCount
        self.rowElementCount = rowElements
        self.rowByteCount = rowBytes
        self.blockRows = blockRows
    }

    /// The chunks of extent `chunk` that cover `extent` elements, without overflowing near `Int.max`.
    static func chunksAlong(_ extent: Int, _ chunk: Int) -> Int {
        extent / chunk + (extent % chunk == 0 ? 0 : 1)
    }

    /// The first dimension in which `extents` exceed `maxShape` (nil: unlimited), if any.
    private static func dimension(of extents: [Int], exceeding maxShape: [Int?]) -> Int? {
        extents.indices.first { extents[$0] > maxShape[$0] ?? .max }
    }

    /// The number of blocks; block `b` holds rows `blockRange(b)`.
    /// Written so that no intermediate passes `rowCount`, which a file may set near `Int.max`.
    var blockCount: Int { rowCount / blockRows + (rowCount % blockRows == 0 ? 0 : 1) }

    func blockRange(_ block: Int) -> Range<Int> {
        let start = block * blockRows
        return start..<(start + min(blockRows, rowCount - start))
    }

    /// The bytes of every element in `info`'s type and byte order, for reads sized by the caller.
    var totalByteCount: Int { rowCount * rowByteCount }

    /// Whether rows can be read directly (no decoding) at any position.
    var isContiguous: Bool {
        if case .contiguous = source { return true }
        return false
    }

    // MARK: - Reading

    /// Decodes block `block`: its rows' bytes, row-major, in the stored type and byte order.
    /// - Throws: `LoaderError` naming the file, the dataset and the chunk on bad or missing bytes.
    func readBlock(_ block: Int) throws -> [UInt8] {
        let rows = blockRange(block)
        switch source {
        case .chunks(let plan):
            return try assembleBlock(rows, plan: plan)
        case .contiguous, .fill, .library:
            return try [UInt8](uninitializedCapacity: rows.count * rowByteCount) { buffer, initialized in
                try readRows(rows, into: UnsafeMutableRawBufferPointer(buffer))
                initialized = buffer.count
            }
        }
    }

    /// Reads rows `rows` into `buffer` (exactly `rows.count * rowByteCount` bytes).
    func readRows(_ rows: Range<Int>, into buffer: UnsafeMutableRawBufferPointer) throws {
        precondition(buffer.count == rows.count * rowByteCount, "buffer size must match the rows read")
        precondition(rows.lowerBound >= 0 && rows.upperBound <= rowCount, "rows \(rows) outside 0..<\(rowCount)")
        // Rows of zero elements (an inner extent of 0) have nothing to read, and an empty buffer
        // may have no address to copy into.
        guard !buffer.isEmpty else { return }
        switch source {
        case .contiguous(let offset):
            try readFileBytes(into: buffer, at: offset + rows.lowerBound * rowByteCount)
        case .fill:
            fill(buffer)
        case .library:
            // H5Dread keeps a few kilobytes per chunk of its selection (670 MB for a 2 MB dataset
            // of 174,767 chunks): a block of rows at a time bounds that by one row of chunks.
            try forEachBlock(of: rows, in: buffer) { _, part, destination in
                try readRowsThroughLibrary(part, into: destination)
            }
        case .chunks:
            try forEachBlock(of: rows, in: buffer) { block, part, destination in
                let from = (part.lowerBound - blockRange(block).lowerBound) * rowByteCount
                try readBlock(block).withUnsafeBytes { source in
                    destination.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[from..<(from + destination.count)]))
                }
            }
        }
    }

    /// Calls `body` for each block that `rows` meet, in order, with the block, the rows of `rows`
    /// in it, and the part of `buffer` (which holds `rows`) that those rows go to.
    private func forEachBlock(
        of rows: Range<Int>, in buffer: UnsafeMutableRawBufferPointer,
        _ body: (_ block: Int, _ part: Range<Int>, _ destination: UnsafeMutableRawBufferPointer) throws -> Void
    ) rethrows {
        var row = rows.lowerBound
        while row < rows.upperBound {
            let block = row / blockRows
            let end = min(rows.upperBound, blockRange(block).upperBound)
            let start = (row - rows.lowerBound) * rowByteCount
            try body(block, row..<end, UnsafeMutableRawBufferPointer(rebasing: buffer[start..<(start + (end - row) * rowByteCount)]))
            row = end
        }
    }

    /// Reads rows through libhdf5 itself: the reference every faster path must equal.
    func readRowsThroughLibrary(_ rows: Range<Int>, into buffer: UnsafeMutableRawBufferPointer) throws {
        try HDF5Calls.readRows(handle, type: type, shape: info.shape, rows: rows, into: buffer, datasetPath: info.path, path: file.path)
    }

    /// Reads bytes outside libhdf5's lock. Sizes were checked against the file when it was
    /// opened, so a short read means the file shrank since; the error names the dataset too.
    private func readFileBytes(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws {
        do {
            try file.raw.readExactly(into: buffer, at: offset)
        } catch let error as LoaderError {
            throw LoaderError(
                error.code, "\(info.path): \(error.message)", path: error.path, location: error.location,
                underlying: error.underlying)
        }
    }

    private func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        if fillElement.allSatisfy({ $0 == 0 }) {
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            return
        }
        let size = fillElement.count
        for start in stride(from: 0, to: buffer.count, by: size) {
            for byte in 0..<size { buffer[start + byte] = fillElement[byte] }
        }
    }

    /// Builds the block of rows `rows` from every chunk that intersects it.
    private func assembleBlock(_ rows: Range<Int>, plan: ChunkPlan) throws -> [UInt8] {
        let blockBytes = rows.count * rowByteCount
        if plan.spansRows {
            var origin = [Int](repeating: 0, count: info.shape.count)
            origin[0] = rows.lowerBound
            guard var chunk = try decodeChunk(at: origin, plan: plan) else {
                return [UInt8](uninitializedCapacity: blockBytes) { buffer, initialized in
                    fill(UnsafeMutableRawBufferPointer(buffer))
                    initialized = blockBytes
                }
            }
            // The last row-chunk is stored whole; drop the rows past the dataset's end.
            chunk.removeLast(chunk.count - blockBytes)
            return chunk
        }
        var block = [UInt8](uninitializedCapacity: blockBytes) { buffer, initialized in
            fill(UnsafeMutableRawBufferPointer(buffer))
            initialized = blockBytes
        }
        var blockShape = info.shape
        blockShape[0] = rows.count
        var blockOrigin = [Int](repeating: 0, count: info.shape.count)
        blockOrigin[0] = rows.lowerBound
        // Odometer over the chunk grid of the dimensions after the first.
        var gridIndex = [Int](repeating: 0, count: plan.innerGrid.count)
        gridLoop: while true {
            var origin = [rows.lowerBound]
            for (dimension, index) in gridIndex.enumerated() { origin.append(index * plan.chunkShape[dimension + 1]) }
            if let chunk = try decodeChunk(at: origin, plan: plan) {
                chunk.withUnsafeBytes { source in
                    block.withUnsafeMutableBytes { target in
                        Self.copyIntersection(
                            from: source, origin: origin, shape: plan.chunkShape,
                            into: target, origin: blockOrigin, shape: blockShape, elementSize: info.elementType.byteCount)
                    }
                }
            }
            var dimension = gridIndex.count - 1
            while dimension >= 0 {
                gridIndex[dimension] += 1
                if gridIndex[dimension] < plan.innerGrid[dimension] { continue gridLoop }
                gridIndex[dimension] = 0
                dimension -= 1
            }
            break
        }
        return block
    }

    /// Copies the elements common to two row-major boxes from `source` into `target`.
    static func copyIntersection(
        from source: UnsafeRawBufferPointer, origin sourceOrigin: [Int], shape sourceShape: [Int],
        into target: UnsafeMutableRawBufferPointer, origin targetOrigin: [Int], shape targetShape: [Int],
        elementSize: Int
    ) {
        let rank = sourceShape.count
        var low = [Int](repeating: 0, count: rank)
        var high = [Int](repeating: 0, count: rank)
        for dimension in 0..<rank {
            low[dimension] = max(sourceOrigin[dimension], targetOrigin[dimension])
            high[dimension] = min(sourceOrigin[dimension] + sourceShape[dimension], targetOrigin[dimension] + targetShape[dimension])
            if low[dimension] >= high[dimension] { return }
        }
        func strides(_ shape: [Int]) -> [Int] {
            var result = [Int](repeating: elementSize, count: rank)
            for dimension in stride(from: rank - 2, through: 0, by: -1) {
                result[dimension] = result[dimension + 1] * shape[dimension + 1]
            }
            return result
        }
        let sourceStrides = strides(sourceShape)
        let targetStrides = strides(targetShape)
        let runBytes = (high[rank - 1] - low[rank - 1]) * elementSize
        var index = low
        while true {
            var sourceOffset = 0
            var targetOffset = 0
            for dimension in 0..<rank {
                sourceOffset += (index[dimension] - sourceOrigin[dimension]) * sourceStrides[dimension]
                targetOffset += (index[dimension] - targetOrigin[dimension]) * targetStrides[dimension]
            }
            target.baseAddress!.advanced(by: targetOffset).copyMemory(from: source.baseAddress! + sourceOffset, byteCount: runBytes)
            var dimension = rank - 2
            while dimension >= 0 {
                index[dimension] += 1
                if index[dimension] < high[dimension] { break }
                index[dimension] = low[dimension]
                dimension -= 1
            }
            if dimension < 0 { return }
        }
    }

    /// Reads the chunk whose first element is at `origin` and undoes its filters, or returns
    /// nil when the chunk was never written (it reads as the fill value).
    ///
    /// The chunk is found by the index search H5Dread uses. libhdf5 1.10 has a second lookup
    /// that walks the index; on a damaged index the two can disagree, and H5Dread would then read
    /// a stored chunk as never written. A chunk the search misses is therefore refused when the
    /// walk holds a chunk for every grid position, and looked for by a walk when the index is
    /// small enough for that to be cheap (the walk costs O(n) per call).
    private func decodeChunk(at origin: [Int], plan: ChunkPlan) throws -> [UInt8]? {
        let describe = { "\(self.info.path): chunk at \(origin)" }
        guard case (var bytes, let mask)? = try HDF5Calls.readStoredChunk(
            handle, origin: origin, byteLimit: file.size, datasetPath: info.path, path: file.path) else {
            try checkNeverWritten(origin, plan: plan)
            return nil
        }
        // Filters were applied in pipeline order when writing; they are undone last to first.
        do {
            try undoFilters(&bytes, mask: mask, plan: plan, describe: describe)
        } catch var error as LoaderError where error.location == nil {
            // The filters know only the chunk's description; the error's place is the dataset.
            error.location = .datasetPath(info.path)
            throw error
        }
        guard bytes.count == plan.chunkByteCount else {
            throw LoaderError(
                .malformed, "\(describe()): decodes to \(bytes.count) bytes, expected \(plan.chunkByteCount)",
                path: file.path, location: .datasetPath(info.path))
        }
        return bytes
    }

    /// Throws when the chunk index holds the chunk at `origin` although its search did not find it.
    private func checkNeverWritten(_ origin: [Int], plan: ChunkPlan) throws {
        let stored = try allocatedChunks.withLock { count in
            if let count { return count }
            let counted = try HDF5Calls.allocatedChunkCount(handle, datasetPath: info.path, path: file.path)
            count = counted
            return counted
        }
        let damaged: Bool
        if stored == 0 {
            damaged = false
        } else if stored <= Self.walkCheckedChunkCount {
            damaged = try HDF5Calls.chunkIndexWalkFinds(handle, origin: origin, datasetPath: info.path, path: file.path)
        } else {
            damaged = stored >= plan.gridCount ?? .max
        }
        if damaged {
            throw LoaderError(
                .malformed, "the chunk index entry for the chunk at \(origin) is damaged: its search does not find a chunk the index holds",
                path: file.path, location: .datasetPath(info.path))
        }
    }

    /// Undoes a raw chunk's filters in place, skipping those `mask` says were not applied to it.
    private func undoFilters(_ bytes: inout [UInt8], mask: UInt32, plan: ChunkPlan, describe: () -> String) throws {
        for (stage, filter) in info.filters.enumerated().reversed() where mask & (1 << UInt32(stage)) == 0 {
            switch filter {
            case .fletcher32:
                bytes = try ChunkFilters.verifyFletcher32(bytes, path: file.path, describe: describe())
            case .deflate:
                let checksumsBelow = info.filters.prefix(stage).filter { $0 == .fletcher32 }.count
                bytes = try bytes.withUnsafeBytes {
                    try Inflate.zlib($0, capacity: plan.chunkByteCount + 4 * checksumsBelow, path: file.path, describe: describe())
                }
            case .shuffle:
                bytes = ChunkFilters.unshuffle(bytes, elementSize: info.elementType.byteCount)
            case .other:
                preconditionFailure("chunks with filters decoded only by libhdf5 are planned as .library")
            }
        }
    }
}
