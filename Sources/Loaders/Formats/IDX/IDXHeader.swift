/// The header of an IDX file: two zero bytes, the element type, the rank, then one big-endian
/// 32-bit size per dimension.
///
/// Parsing validates everything before the reader allocates anything: the zero bytes, the type
/// code, the rank (1…`maximumRank`) and that the element count and byte count fit in an `Int`.
public struct IDXHeader: Sendable, Hashable {
    /// The largest rank accepted; real files have 1 to 4 dimensions.
    public static let maximumRank = 32

    /// The type of every element.
    public let elementType: IDXElementType
    /// The size of each dimension, outermost first: `[60000, 28, 28]` for MNIST training images.
    public let shape: [Int]

    /// The number of elements in the payload: the product of `shape`.
    public var elementCount: Int { shape.reduce(1, *) }
    /// The number of header bytes before the payload: 4 + 4 × rank.
    public var byteCount: Int { 4 + 4 * shape.count }
    /// The number of payload bytes the header declares.
    public var payloadByteCount: Int { elementCount * elementType.byteWidth }

    /// A header for `shape` elements of `elementType` (the checks parsing makes are preconditions here).
    public init(elementType: IDXElementType, shape: [Int]) {
        require((1...Self.maximumRank).contains(shape.count), "IDX rank \(shape.count) out of range")
        require(shape.allSatisfy { (0...Int(UInt32.max)).contains($0) }, "IDX dimensions \(shape) out of range")
        self.elementType = elementType
        self.shape = shape
    }

    /// Reads and validates a header from the start of `stream`.
    /// - Throws: `LoaderError` naming the file and the offset of the offending byte:
    ///   `.truncated` when the stream ends inside the header, `.malformed` when the first two bytes
    ///   are not zero or the rank is 0, `.unsupported` for an unknown type code, a rank above
    ///   `maximumRank`, or dimensions whose product overflows.
    static func read(from stream: ByteStream) throws -> IDXHeader {
        let note = stream.offsetNote
        func fail(_ code: LoaderError.Code, _ message: String, at offset: Int) -> LoaderError {
            LoaderError(code, "\(message) (\(note))", path: stream.path, location: .byteOffset(offset))
        }
        var prefix = [UInt8](repeating: 0, count: 4)
        let got = try prefix.withUnsafeMutableBytes { try stream.read(into: $0) }
        guard got == 4 else {
            throw fail(.truncated, "file ends inside the 4-byte IDX magic number", at: got)
        }
        for position in 0..<2 where prefix[position] != 0 {
            throw fail(
                .malformed, "not an IDX file: magic number byte \(position) is 0x\(hex(prefix[position])), must be 0",
                at: position)
        }
        guard let elementType = IDXElementType(rawValue: prefix[2]) else {
            throw fail(.unsupported, "unknown IDX element type code 0x\(hex(prefix[2]))", at: 2)
        }
        let rank = Int(prefix[3])
        guard rank > 0 else {
            throw fail(.malformed, "IDX rank is 0; an IDX file has at least one dimension", at: 3)
        }
        guard rank <= maximumRank else {
            throw fail(.unsupported, "IDX rank \(rank) is above the supported maximum \(maximumRank)", at: 3)
        }
        var sizes = [UInt8](repeating: 0, count: 4 * rank)
        let sizesGot = try sizes.withUnsafeMutableBytes { try stream.read(into: $0) }
        guard sizesGot == sizes.count else {
            throw fail(.truncated, "file ends inside the IDX dimension sizes (rank \(rank))", at: 4 + sizesGot)
        }
        var shape: [Int] = []
        shape.reserveCapacity(rank)
        var bytes = elementType.byteWidth
        for dimension in 0..<rank {
            let base = 4 * dimension
            let size = Int(sizes[base]) << 24 | Int(sizes[base + 1]) << 16 | Int(sizes[base + 2]) << 8 | Int(sizes[base + 3])
            // A zero dimension empties the payload but not the others: their product (one
            // sample's size, say) must still fit, so zeros are left out of it.
            let (product, overflow) = bytes.multipliedReportingOverflow(by: max(size, 1))
            guard !overflow, product <= Int.max / 2 else {
                throw fail(
                    .unsupported,
                    "IDX dimensions \((shape + [size]).map(String.init).joined(separator: " x ")) overflow the addressable size",
                    at: 4 + base)
            }
            bytes = product
            shape.append(size)
        }
        return IDXHeader(elementType: elementType, shape: shape)
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }
}
