/// The element types SwiftLoaders reads from HDF5: integers of 1, 2, 4 and 8 bytes and IEEE floats.
public enum HDF5ElementType: String, Sendable, Hashable, CaseIterable {
    case int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64

    /// The size of one element in bytes.
    public var byteCount: Int {
        switch self {
        case .int8, .uint8: 1
        case .int16, .uint16: 2
        case .int32, .uint32, .float32: 4
        case .int64, .uint64, .float64: 8
        }
    }

    /// The numpy-style name, e.g. `uint8` or `float32`.
    public var name: String { rawValue }

    /// Whether elements are floating point.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }
}

/// The order of bytes within one stored element.
public enum HDF5ByteOrder: String, Sendable, Hashable {
    case little, big

    /// The order of the machine running this code.
    public static let native: HDF5ByteOrder = 1.littleEndian == 1 ? .little : .big
}

/// How a dataset's elements are laid out in the file.
public enum HDF5Layout: String, Sendable, Hashable {
    /// One run of bytes at a fixed file offset.
    case contiguous
    /// Fixed-shape chunks stored (and filtered) independently.
    case chunked
    /// Stored inside the object header; at most 64 KiB.
    case compact
}

/// One stage of a chunked dataset's filter pipeline.
public enum HDF5Filter: Sendable, Hashable, CustomStringConvertible {
    /// zlib compression (h5py's `compression="gzip"`).
    case deflate(level: Int)
    /// Byte shuffling by element, which makes numbers compress better.
    case shuffle
    /// A checksum appended to each chunk.
    case fletcher32
    /// Any other filter (szip, lzf, scale-offset, plugins): read through libhdf5 if it can.
    case other(id: Int, name: String)

    public var description: String {
        switch self {
        case .deflate(let level): "gzip(\(level))"
        case .shuffle: "shuffle"
        case .fletcher32: "fletcher32"
        case .other(let id, let name): name.isEmpty ? "filter \(id)" : "\(name) (\(id))"
        }
    }
}
