/// What one dataset in an HDF5 file holds: its path, element type, shape and storage.
public struct HDF5DatasetInfo: Sendable, Hashable {
    /// The absolute path inside the file, e.g. `/data/train/x`.
    public var path: String
    public var elementType: HDF5ElementType
    public var byteOrder: HDF5ByteOrder
    /// The current extent of each dimension; `[]` for a scalar.
    public var shape: [Int]
    /// The largest extent each dimension may grow to; `nil` where unlimited (a resizable dataset).
    public var maxShape: [Int?]
    public var layout: HDF5Layout
    /// The shape of one chunk, for chunked datasets.
    public var chunkShape: [Int]?
    /// The filters applied to each chunk, in the order they were applied when writing.
    public var filters: [HDF5Filter]

    /// The number of elements.
    public var elementCount: Int { shape.reduce(1, *) }

    /// Whether some dimension can still grow.
    public var isResizable: Bool { zip(shape, maxShape).contains { $1 == nil || $1! > $0 } }
}
