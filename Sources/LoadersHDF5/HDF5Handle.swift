/// Owns one libhdf5 identifier and closes it when the last reference goes.
///
/// Identifiers are plain integers in C; wrapping each in a class ties its lifetime to Swift's, so
/// no path through the code (errors included) leaks or double-closes one.
final class HDF5Handle: Sendable {
    enum Kind: Sendable { case file, dataset, dataspace, datatype, propertyList, object }

    let id: Int64
    let kind: Kind

    /// Takes ownership of `id`, which must be valid (non-negative).
    init(_ id: Int64, _ kind: Kind) {
        precondition(id >= 0, "HDF5Handle wraps only valid identifiers")
        self.id = id
        self.kind = kind
    }

    deinit {
        HDF5Calls.close(id, kind: kind)
    }
}
