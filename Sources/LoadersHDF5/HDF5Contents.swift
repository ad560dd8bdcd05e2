/// What walking an HDF5 file's groups found: `HDF5File.contents()`.
public struct HDF5Contents: Sendable, Hashable {
    /// The datasets SwiftLoaders reads, in path order.
    public var datasets: [HDF5DatasetInfo] = []
    /// The datasets it cannot read, in path order.
    public var unsupported: [HDF5UnsupportedDataset] = []
    /// Where the walk did not go further, in the order met.
    public var stops: [HDF5WalkStop] = []
}

/// A dataset listed but not readable: its elements are not plain numbers, or its storage or size
/// is refused.
public struct HDF5UnsupportedDataset: Sendable, Hashable {
    public var path: String
    /// numpy's name for numbers (`float16`, `int128`), else the HDF5 type class: `string`,
    /// `compound`, `enum`, `array`, `variable-length`, `opaque`, `reference`, `bitfield`, `time`.
    public var typeName: String
    /// The dataspace's extents; nil when it is not a simple one.
    public var shape: [Int]?
    /// Why it is not read, as `info(_:)` says it.
    public var reason: String
}

/// A place where walking the groups stopped, and why (a cycle, nesting, the object limit).
public struct HDF5WalkStop: Sendable, Hashable {
    /// The link that was not followed.
    public var path: String
    public var reason: String
}
