/// A whole IDX file in memory: its header and its payload kept as the file's raw big-endian bytes.
///
/// Keeping bytes (1 per MNIST pixel rather than 4 for a Float) keeps memory low and loading a
/// single copy: the payload is inflated straight into its final buffer. Elements are converted
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
    /// The payload exactly as stored: big-endian elements, row-major.
    public let bytes: [UInt8]

    /// Reads the IDX file at `path`, raw or gzipped (recognised by its magic bytes).
    /// - Throws: `LoaderError` naming the file and byte offset for a bad header, a payload shorter
    ///   or longer than declared, or bad gzip data.
    /// - Complexity: O(file size); memory is the declared payload size plus one 1 MiB input block.
    public init(contentsOf path: String) throws {
        let reader = try IDXReader(path: path)
        let count = reader.header.payloadByteCount
        bytes = try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            try reader.readExactly(into: UnsafeMutableRawBufferPointer(buffer))
            initialized = count
        }
        try reader.finish()
        self.path = path
        self.header = reader.header
    }

    /// The element type.
    public var elementType: IDXElementType { header.elementType }
    /// The shape, outermost dimension first.
    public var shape: [Int] { header.shape }
    /// The number of elements.
    public var count: Int { header.elementCount }

    /// The integer element at flat index `index`.
    /// - Precondition: the element type is an integer type and `0 <= index < count`.
    public func integer(at index: Int) -> Int {
        precondition(elementType.isInteger, "IDX \(elementType) elements are not integers")
        precondition(index >= 0 && index < count, "IDX index \(index) out of range 0..<\(count)")
        return bytes.withUnsafeBytes { elementType.integer(at: index, in: $0) }
    }

    /// The element at flat index `index` as a Double (exact for every IDX type).
    /// - Precondition: `0 <= index < count`.
    public func double(at index: Int) -> Double {
        precondition(index >= 0 && index < count, "IDX index \(index) out of range 0..<\(count)")
        return bytes.withUnsafeBytes { elementType.double(at: index, in: $0) }
    }
}
