import Loaders

/// An HDF5 file opened read-only: list its datasets, describe one, read one whole.
///
/// Links to other files are never followed, and walking the group tree visits each group once
/// and stops at `maximumDepth` levels and `maximumObjectCount` objects, so a hostile file cannot
/// make us open other files or loop.
///
/// ```swift
/// let file = try HDF5File("train.h5")
/// for dataset in try file.datasets() { print(dataset.path, dataset.elementType, dataset.shape) }
/// let labels = try file.read("/labels", as: Int.self)     // Tensor<Int> of shape [60000]
/// ```
public final class HDF5File: Sendable {
    /// The deepest group nesting `contents()` walks.
    public static let maximumDepth = 32
    /// The most links `contents()` visits in total.
    public static let maximumObjectCount = 100_000

    /// The path the file was opened with.
    public let path: String
    let handle: HDF5Handle
    let linkAccess: HDF5Handle
    /// A second descriptor on the same file for positioned reads outside libhdf5's lock.
    let raw: ReadOnlyFile
    /// The file's size in bytes.
    let size: Int

    /// Opens the HDF5 file at `path` for reading.
    /// - Throws: `LoaderError` with code `.io` when the file cannot be opened, `.malformed` when it
    ///   is not HDF5, `.truncated` when it was cut short, carrying libhdf5's message.
    public init(_ path: String) throws {
        raw = try ReadOnlyFile(path: path)
        let opened = try HDF5Calls.openFile(path)
        self.path = path
        handle = opened.file
        linkAccess = opened.linkAccess
        size = opened.size
    }

    /// Every dataset reachable from the root group through hard links, in path order, that
    /// SwiftLoaders can read: `contents().datasets`.
    /// - Throws: `LoaderError` when a group cannot be read.
    /// - Complexity: O(objects in the file).
    public func datasets() throws -> [HDF5DatasetInfo] {
        try contents().datasets
    }

    /// Everything reachable from the root group through hard links, in path order: the datasets
    /// that can be read, those that cannot (strings, compounds, enums, …) with their type and
    /// why, and where the walk stopped.
    ///
    /// Each group is walked once: a hard link back to a group already walked (a cycle, or a
    /// second name for it) is reported as a stop, as are groups nested deeper than
    /// `maximumDepth`, links past the first `maximumObjectCount`, and external links (never
    /// followed); the rest is still listed. Soft links are skipped: they name objects inside the
    /// file, listed under their own paths.
    /// - Throws: `LoaderError` when a group cannot be read.
    /// - Complexity: O(objects in the file).
    public func contents() throws -> HDF5Contents {
        var contents = HDF5Contents()
        var visited = 0
        var walked: [HDF5Calls.ObjectIdentity: String] = [:]
        func walk(_ group: String, depth: Int) throws {
            let identity = try HDF5Calls.objectIdentity(at: group, file: handle, linkAccess: linkAccess, path: path)
            if let first = walked[identity] {
                contents.stops.append(HDF5WalkStop(path: group, reason: "the same group as \(first), already listed"))
                return
            }
            walked[identity] = group
            for link in try HDF5Calls.links(in: group, file: handle, linkAccess: linkAccess, path: path) where link.kind != .soft {
                let child = group == "/" ? "/" + link.name : group + "/" + link.name
                visited += 1
                // Past the limit, one stop ends the whole walk.
                if visited == Self.maximumObjectCount + 1 {
                    contents.stops.append(HDF5WalkStop(path: child, reason: "more than \(Self.maximumObjectCount) objects; the rest is not listed"))
                }
                guard visited <= Self.maximumObjectCount else { return }
                guard link.kind == .hard else {
                    contents.stops.append(HDF5WalkStop(path: child, reason: "a link to another file or of an unknown kind, never followed"))
                    continue
                }
                switch try HDF5Calls.objectKind(at: child, file: handle, linkAccess: linkAccess, path: path) {
                case .group:
                    guard depth < Self.maximumDepth else {
                        contents.stops.append(HDF5WalkStop(path: child, reason: "groups nest deeper than \(Self.maximumDepth) levels"))
                        continue
                    }
                    try walk(child, depth: depth + 1)
                case .dataset:
                    do {
                        contents.datasets.append(try info(child))
                    } catch let error as LoaderError where error.code == .unsupported {
                        let outline = try? HDF5Calls.outline(child, file: handle, linkAccess: linkAccess, path: path)
                        contents.unsupported.append(HDF5UnsupportedDataset(
                            path: child, typeName: outline?.typeName ?? "unknown", shape: outline?.shape, reason: error.message))
                    }
                case .other: continue
                }
            }
        }
        try walk("/", depth: 0)
        return contents
    }

    /// Describes the dataset at `datasetPath` (e.g. `/data/train/x`).
    /// - Throws: `LoaderError` naming the file and dataset when it does not exist, is not a
    ///   dataset, or holds elements other than integers and floats.
    public func info(_ datasetPath: String) throws -> HDF5DatasetInfo {
        try StoredDataset(file: self, datasetPath: datasetPath).info
    }

    /// Reads the whole dataset at `datasetPath`, converting each element to `Scalar`.
    ///
    /// Integer targets take only values they hold exactly; floating-point targets round.
    /// `strategy: .libhdf5` reads through libhdf5's `H5Dread` instead: the reference the faster
    /// `.direct` reads must equal.
    /// - Throws: `LoaderError` naming the file and dataset when it cannot be read, when its bytes
    ///   and their conversion to `Scalar` together exceed this machine's memory (checked before
    ///   allocating), or when it holds a value `Scalar` cannot represent (naming its index).
    /// - Complexity: O(elements); chunked datasets decode in this thread.
    public func read<Scalar: HDF5Scalar>(
        _ datasetPath: String, as: Scalar.Type = Scalar.self, strategy: HDF5ReadStrategy = .direct
    ) throws -> Tensor<Scalar> {
        let stored = try StoredDataset(file: self, datasetPath: datasetPath, strategy: strategy)
        return try read(stored, rows: 0..<stored.rowCount, as: Scalar.self)
    }

    /// Reads rows `rows` (along the first dimension) of the dataset at `datasetPath`, converting
    /// each element to `Scalar`; the result's shape is the dataset's with `rows.count` first.
    ///
    /// ```swift
    /// let first100 = try file.read("/images", rows: 0..<100, as: UInt8.self)   // [100, 28, 28]
    /// ```
    /// - Precondition: the dataset has at least one dimension and `rows` lies within its first.
    /// - Throws: as `read(_:as:strategy:)`.
    public func read<Scalar: HDF5Scalar>(
        _ datasetPath: String, rows: Range<Int>, as: Scalar.Type = Scalar.self, strategy: HDF5ReadStrategy = .direct
    ) throws -> Tensor<Scalar> {
        let stored = try StoredDataset(file: self, datasetPath: datasetPath, strategy: strategy)
        require(!stored.info.shape.isEmpty, "\(datasetPath) is a scalar; read it whole")
        require(rows.lowerBound >= 0 && rows.upperBound <= stored.rowCount, "rows \(rows) outside 0..<\(stored.rowCount)")
        return try read(stored, rows: rows, as: Scalar.self)
    }

    private func read<Scalar: HDF5Scalar>(_ stored: StoredDataset, rows: Range<Int>, as: Scalar.Type) throws -> Tensor<Scalar> {
        let byteCount = rows.count * stored.rowByteCount
        let count = rows.count * stored.rowElementCount
        // The stored bytes and their conversion are held at once; uint8 read as Int takes 9 bytes
        // an element.
        try MemoryLimit.check(
            MemoryLimit.sum([byteCount, MemoryLimit.product([count, MemoryLayout<Scalar>.stride])]),
            for: "reading \(rows.count) rows (\(byteCount) bytes stored, \(count) elements as \(Scalar.self))",
            path: path, location: .datasetPath(stored.info.path))
        let bytes = try [UInt8](uninitializedCapacity: byteCount) { buffer, initialized in
            try stored.readRows(rows, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = buffer.count
        }
        var shape = stored.info.shape
        if !shape.isEmpty { shape[0] = rows.count }
        guard count > 0 else { return Tensor(shape: shape, scalars: []) }
        let converted = bytes.withUnsafeBytes { raw in
            ElementConversion.scalars(
                raw.baseAddress!, count: count, element: stored.info.elementType, order: stored.info.byteOrder, as: Scalar.self)
        }
        switch converted {
        case .success(let values):
            return Tensor(shape: shape, scalars: values)
        case .failure(let outOfRange):
            throw LoaderError(
                .unsupported, "element \(rows.lowerBound * stored.rowElementCount + outOfRange.index) does not fit in \(Scalar.self)",
                path: path, location: .datasetPath(stored.info.path))
        }
    }
}
