/// A whole IDX file in memory: its header and its payload kept as the file's raw big-endian bytes.
///
/// Keeping bytes (1 per MNIST pixel rather than 4 for a Float) keeps memory low and loading a
/// single pass: the payload is inflated straight into its final buffer. Elements are converted
/// when read.
///
/// ```swift
/// let labels = try IDXArray(contentsOf: "Fixtures/mnist/t10k-labels-idx1-ubyte.gz")
/// labels.header.shape         // [10000]
/// labels.integer(at: 0)       // 7
/// ```
public struct IDXArray: Sendable {
    /// The file the array was read from.
    public let path: String
    /// The validated header.
    public let header: IDXHeader
    /// The payload at `storage[payloadOffset...]`; a gzip file inflated whole keeps its header
    /// bytes in front rather than moving the payload.
    private let storage: [UInt8]
    private let payloadOffset: Int

    /// Reads the IDX file at `path`, raw or gzipped (recognised by its magic bytes).
    ///
    /// A gzip file is read in one go and inflated with libdeflate into one buffer of the declared
    /// size; if that fails, zlib re-reads it to report exactly what is wrong and where.
    /// - Throws: `LoaderError` naming the file and byte offset for a bad header, a payload shorter
    ///   or longer than declared, or bad gzip data; `.resourceExhausted` for a payload past
    ///   `MemoryLimit` (stream such a file instead).
    /// - Complexity: O(file size); memory is the declared payload size, plus the compressed file
    ///   while it is inflated.
    public init(contentsOf path: String) throws {
        try self.init(contentsOf: path, memoryLimit: MemoryLimit.bytes)
    }

    /// Reads the IDX file at `path`, refusing a payload larger than `memoryLimit` bytes before
    /// allocating it.
    init(contentsOf path: String, memoryLimit: Int) throws {
        let reader = try IDXReader(path: path)
        let header = reader.header
        try reader.checkFitsInMemory(
            header.byteCount + header.payloadByteCount, holding: "the whole file (streaming holds one sample at a time)",
            limit: memoryLimit)
        self.path = path
        self.header = header
        if reader.stream.isCompressed, let whole = try Self.inflateWhole(reader.stream.file, header: header) {
            storage = whole
            payloadOffset = header.byteCount
            return
        }
        let count = header.payloadByteCount
        storage = try [UInt8](uninitializedCapacity: count) { buffer, initialized in
            try reader.readExactly(into: UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
        payloadOffset = 0
        try reader.finish()
    }

    /// Inflates the whole gzip `file`, as it was opened, into header + payload bytes, or returns nil
    /// when it is not exactly valid gzip members holding `header.byteCount + payloadByteCount` bytes.
    private static func inflateWhole(_ file: ReadOnlyFile, header: IDXHeader) throws -> [UInt8]? {
        let compressed = try [UInt8](uninitializedCapacity: file.size) { buffer, initialized in
            initialized = try file.readAsOpened(into: UnsafeMutableRawBufferPointer(buffer), at: 0)
        }
        let decompressor = try LoaderError.naming(file.path) { try DeflateDecompressor() }
        let total = header.byteCount + header.payloadByteCount
        var complete = false
        let output = compressed.withUnsafeBytes { input in
            [UInt8](uninitializedCapacity: total) { buffer, initialized in
                let produced = decompressor.decompressGzipMembers(input, into: UnsafeMutableRawBufferPointer(buffer))
                complete = produced == total
                initialized = complete ? total : 0
            }
        }
        return complete ? output : nil
    }

    /// The element type.
    public var elementType: IDXElementType { header.elementType }
    /// The shape, outermost dimension first.
    public var shape: [Int] { header.shape }
    /// The number of elements.
    public var count: Int { header.elementCount }

    /// Calls `body` with the payload: big-endian elements, row-major, exactly as stored.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try storage.withUnsafeBytes { all in
            try body(UnsafeRawBufferPointer(rebasing: all[payloadOffset..<(payloadOffset + header.payloadByteCount)]))
        }
    }

    /// The integer element at flat index `index`.
    /// - Precondition: the element type is an integer type and `0 <= index < count`.
    public func integer(at index: Int) -> Int {
        require(elementType.isInteger, "IDX \(elementType) elements are not integers")
        require(index >= 0 && index < count, "IDX index \(index) out of range 0..<\(count)")
        return withUnsafeBytes { elementType.integer(at: index, in: $0) }
    }

    /// The element at flat index `index` as a Double (exact for every IDX type).
    /// - Precondition: `0 <= index < count`.
    public func double(at index: Int) -> Double {
        require(index >= 0 && index < count, "IDX index \(index) out of range 0..<\(count)")
        return withUnsafeBytes { elementType.double(at: index, in: $0) }
    }
}
