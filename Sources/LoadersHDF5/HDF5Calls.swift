#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CHDF5
import Loaders
import Synchronization

/// Serialises every libhdf5 call in the process.
///
/// Debian's libhdf5 is built thread-safe with one global lock of its own, but other builds are
/// not, and the error stack that turns a failure into a message must be read on the failing
/// thread before another call clears it; one lock of ours makes both hold on every build.
private let libraryLock = Mutex<Void>(())

/// The thread holding `libraryLock` (0 when none), so that a handle released inside a locked
/// call (an error path dropping what it opened) closes without locking again.
private let libraryLockOwner = Atomic<UInt>(0)

private func currentThreadID() -> UInt {
    #if canImport(Darwin)
    UInt(bitPattern: pthread_self())
    #else
    UInt(pthread_self())
    #endif
}

/// Every call into libhdf5 goes through here: each takes the library lock, checks the return
/// code and turns a failure into a `LoaderError` carrying libhdf5's own message, the file and the
/// dataset path. No other file imports CHDF5.
enum HDF5Calls {
    /// What a dataset's creation properties and dataspace say about it, in Swift types.
    struct DatasetDescription {
        var element: HDF5ElementType
        var byteOrder: HDF5ByteOrder
        var shape: [Int]
        var maxShape: [Int?]
        var layout: HDF5Layout
        var chunkShape: [Int]?
        var filters: [HDF5Filter]
        /// The file offset of a contiguous dataset's bytes.
        var contiguousAddress: UInt64?
        /// The bytes of one element that never-written chunks read as, in the file's byte order:
        /// the fill value, or zeros where libhdf5 writes none (fill time "never", or "if set"
        /// with no value set), which H5Dread would leave as whatever the buffer held.
        var fillValue: [UInt8]
        /// Whether the file defines no fill value and asks for one, so that libhdf5 refuses to read
        /// storage that was never written.
        var fillUndefined: Bool
        /// The bytes the file stores for the dataset (libhdf5's H5Dget_storage_size).
        var storageSize: Int
    }

    enum LinkKind: Sendable { case hard, soft, external, other }
    enum ObjectKind: Sendable { case group, dataset, other }

    // MARK: - Locking and errors

    private static func withLibrary<Result>(_ body: () throws -> Result) rethrows -> Result {
        try libraryLock.withLock { _ in
            libraryLockOwner.store(currentThreadID(), ordering: .relaxed)
            defer { libraryLockOwner.store(0, ordering: .relaxed) }
            chdf5_silence_errors()
            return try body()
        }
    }

    /// Builds the error for a failed call; must run inside `withLibrary`, before the next call.
    private static func failure(
        _ action: String, file: String, dataset: String? = nil, code: LoaderError.Code = .hdf5
    ) -> LoaderError {
        var buffer = [CChar](repeating: 0, count: 768)
        _ = chdf5_error_message(&buffer, buffer.count, 3)
        let detail = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // libhdf5 words our refusal of an external link as "traversal callback returned invalid ID".
        var target = [CChar](repeating: 0, count: 512)
        if chdf5_take_refused_external_link(&target, target.count) > 0 {
            let link = String(decoding: target.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return LoaderError(
                .unsupported, "\(action): the path goes through an external link to \(link), and links to other files are never followed",
                path: file, location: dataset.map { .datasetPath($0) })
        }
        var chosen = code
        if detail.contains("truncated file") || detail.contains("addr overflow") {
            chosen = .truncated
        } else if code == .hdf5, detail.contains("signature") || detail.contains("bad object header") {
            chosen = .malformed
        }
        let message = detail.isEmpty ? action : "\(action): \(detail)"
        return LoaderError(chosen, message, path: file, location: dataset.map { .datasetPath($0) })
    }

    // MARK: - Handles

    static func close(_ id: Int64, kind: HDF5Handle.Kind) {
        // Only this thread can have stored its own identifier, so the check is race-free.
        if libraryLockOwner.load(ordering: .relaxed) == currentThreadID() {
            closeLocked(id, kind: kind)
        } else {
            withLibrary { closeLocked(id, kind: kind) }
        }
    }

    private static func closeLocked(_ id: Int64, kind: HDF5Handle.Kind) {
        switch kind {
        case .file: _ = H5Fclose(id)
        case .dataset: _ = H5Dclose(id)
        case .dataspace: _ = H5Sclose(id)
        case .datatype: _ = H5Tclose(id)
        case .propertyList: _ = H5Pclose(id)
        case .object: _ = H5Oclose(id)
        }
        _ = H5Eclear2(chdf5_e_default())
    }

    // MARK: - Files and groups

    /// Opens `path` read-only, with a link-access list that never follows external links.
    static func openFile(_ path: String) throws -> (file: HDF5Handle, linkAccess: HDF5Handle, size: Int) {
        try withLibrary {
            let linkAccess = chdf5_create_safe_link_access()
            guard linkAccess >= 0 else { throw failure("cannot create link access properties", file: path) }
            let access = HDF5Handle(linkAccess, .propertyList)
            let id = H5Fopen(path, chdf5_f_acc_rdonly(), chdf5_p_default())
            // The file itself opened (ReadOnlyFile did), so a failure here is about its content.
            guard id >= 0 else { throw failure("not a readable HDF5 file", file: path, code: .malformed) }
            let file = HDF5Handle(id, .file)
            var size: hsize_t = 0
            guard H5Fget_filesize(id, &size) >= 0 else { throw failure("cannot read the file size", file: path) }
            return (file, access, Int(clamping: size))
        }
    }

    /// Creates (or truncates) `path` for writing.
    static func createFile(_ path: String) throws -> HDF5Handle {
        try withLibrary {
            let id = H5Fcreate(path, chdf5_f_acc_trunc(), chdf5_p_default(), chdf5_p_default())
            guard id >= 0 else { throw failure("cannot create HDF5 file", file: path, code: .io) }
            return HDF5Handle(id, .file)
        }
    }

    /// Flushes a file opened for writing.
    static func flush(_ file: HDF5Handle, path: String) throws {
        try withLibrary {
            guard H5Fflush(file.id, H5F_SCOPE_GLOBAL) >= 0 else { throw failure("cannot flush", file: path, code: .io) }
        }
    }

    /// The links directly inside the group at `groupPath`, in name order, none followed.
    static func links(in groupPath: String, file: HDF5Handle, linkAccess: HDF5Handle, path: String) throws -> [(name: String, kind: LinkKind)] {
        try withLibrary {
            let id = H5Oopen(file.id, groupPath, linkAccess.id)
            guard id >= 0 else { throw failure("cannot open group", file: path, dataset: groupPath) }
            let group = HDF5Handle(id, .object)
            var count: hsize_t = 0
            let dense = chdf5_group_is_dense(group.id, &count)
            guard dense >= 0 else { throw failure("cannot read the group's link count", file: path, dataset: groupPath) }
            if dense == 1 {
                return try denseLinks(group, count: count, groupPath: groupPath, path: path)
            }
            let collected = LinkCollector()
            let context = Unmanaged.passUnretained(collected).toOpaque()
            let status = chdf5_iterate_links(group.id, { name, kind, context in
                guard let name, let context else { return -1 }
                let collector = Unmanaged<LinkCollector>.fromOpaque(context).takeUnretainedValue()
                collector.links.append((String(cString: name), HDF5Calls.linkKind(kind)))
                // Stop early rather than grow without bound on a hostile file.
                return collector.links.count > HDF5File.maximumObjectCount ? 1 : 0
            }, context)
            withExtendedLifetime(collected) {}
            guard status >= 0 else { throw failure("cannot list group", file: path, dataset: groupPath) }
            return collected.links
        }
    }

    /// The links of a group in dense storage, one index lookup each, sorted by name.
    ///
    /// libhdf5 1.10's H5Literate frees an uninitialised pointer (and aborts the process) when a
    /// damaged fractal heap or B-tree of such a group fails to load; lookups by index fail cleanly.
    /// Must run inside `withLibrary`.
    private static func denseLinks(_ group: HDF5Handle, count: hsize_t, groupPath: String, path: String) throws -> [(name: String, kind: LinkKind)] {
        var links: [(name: String, kind: LinkKind)] = []
        var name = [CChar](repeating: 0, count: 1024)
        // Stop early rather than grow without bound on a hostile count.
        for index in 0..<min(count, hsize_t(HDF5File.maximumObjectCount + 1)) {
            var kind: Int32 = 0
            let length = chdf5_link_by_index(group.id, index, &name, name.count, &kind)
            guard length >= 0 else { throw failure("cannot list group", file: path, dataset: groupPath) }
            guard length < name.count else {
                throw LoaderError(.unsupported, "a link name of \(length) bytes is longer than \(name.count - 1)", path: path, location: .datasetPath(groupPath))
            }
            links.append((String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self), linkKind(kind)))
        }
        // H5Literate's name order: byte-wise, as strcmp compares.
        return links.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
    }

    /// The Swift kind of a `CHDF5_LINK_…` value.
    private static func linkKind(_ kind: Int32) -> LinkKind {
        switch Int(kind) {
        case Int(CHDF5_LINK_HARD): .hard
        case Int(CHDF5_LINK_SOFT): .soft
        case Int(CHDF5_LINK_EXTERNAL): .external
        default: .other
        }
    }

    private final class LinkCollector {
        var links: [(String, LinkKind)] = []
    }

    /// Whether the object at `objectPath` (reached by hard links only) is a group or a dataset.
    static func objectKind(at objectPath: String, file: HDF5Handle, linkAccess: HDF5Handle, path: String) throws -> ObjectKind {
        try withLibrary {
            let id = H5Oopen(file.id, objectPath, linkAccess.id)
            guard id >= 0 else { throw failure("cannot open object", file: path, dataset: objectPath) }
            let object = HDF5Handle(id, .object)
            switch H5Iget_type(object.id) {
            case H5I_GROUP: return .group
            case H5I_DATASET: return .dataset
            default: return .other
            }
        }
    }

    /// What identifies the object at `objectPath` (reached by hard links only): two hard links to
    /// one group give equal identities.
    static func objectIdentity(at objectPath: String, file: HDF5Handle, linkAccess: HDF5Handle, path: String) throws -> ObjectIdentity {
        try withLibrary {
            let id = H5Oopen(file.id, objectPath, linkAccess.id)
            guard id >= 0 else { throw failure("cannot open object", file: path, dataset: objectPath) }
            let object = HDF5Handle(id, .object)
            var identity = ObjectIdentity(fileNumber: 0, address: 0)
            guard chdf5_object_identity(object.id, &identity.fileNumber, &identity.address) >= 0 else {
                throw failure("cannot read the object's header", file: path, dataset: objectPath)
            }
            return identity
        }
    }

    struct ObjectIdentity: Hashable, Sendable {
        var fileNumber: UInt
        var address: UInt64
    }

    // MARK: - Datasets

    /// The element type's name (numpy's for numbers, the HDF5 class otherwise, e.g. `string`,
    /// `compound`, `enum`, `float16`) and the shape of the dataset at `datasetPath`, for listing
    /// datasets that cannot be read; the shape is nil when it is not a simple dataspace.
    static func outline(_ datasetPath: String, file: HDF5Handle, linkAccess: HDF5Handle, path: String) throws -> (typeName: String, shape: [Int]?) {
        let (dataset, type) = try openDataset(datasetPath, file: file, linkAccess: linkAccess, path: path)
        return withLibrary {
            let typeClass = H5Tget_class(type.id)
            let size = H5Tget_size(type.id)
            var name = typeClassName(typeClass)
            if typeClass == H5T_INTEGER || typeClass == H5T_FLOAT {
                name = (typeClass == H5T_FLOAT ? "float" : H5Tget_sign(type.id) == H5T_SGN_2 ? "int" : "uint") + String(size * 8)
            }
            var shape: [Int]?
            let space = H5Dget_space(dataset.id)
            if space >= 0 {
                let spaceHandle = HDF5Handle(space, .dataspace)
                let rank = H5Sget_simple_extent_ndims(spaceHandle.id)
                if rank >= 0, rank <= 32 {
                    var dims = [hsize_t](repeating: 0, count: Int(rank))
                    if H5Sget_simple_extent_dims(spaceHandle.id, &dims, nil) >= 0 {
                        shape = dims.map { Int(clamping: $0) }
                    }
                }
            }
            _ = H5Eclear2(chdf5_e_default())
            return (name, shape)
        }
    }

    /// The lower-case name of an HDF5 type class.
    private static func typeClassName(_ typeClass: H5T_class_t) -> String {
        switch typeClass {
        case H5T_INTEGER: "integer"
        case H5T_FLOAT: "float"
        case H5T_STRING: "string"
        case H5T_COMPOUND: "compound"
        case H5T_ENUM: "enum"
        case H5T_ARRAY: "array"
        case H5T_VLEN: "variable-length"
        case H5T_OPAQUE: "opaque"
        case H5T_REFERENCE: "reference"
        case H5T_BITFIELD: "bitfield"
        case H5T_TIME: "time"
        default: "unknown"
        }
    }

    /// Opens the dataset at `datasetPath` and its file datatype, refusing external links.
    static func openDataset(_ datasetPath: String, file: HDF5Handle, linkAccess: HDF5Handle, path: String) throws -> (dataset: HDF5Handle, type: HDF5Handle) {
        try withLibrary {
            // H5Oopen takes a link-access list (H5Dopen2 does not), and the identifier it returns
            // for a dataset is a dataset identifier.
            let id = H5Oopen(file.id, datasetPath, linkAccess.id)
            guard id >= 0 else { throw failure("cannot open dataset", file: path, dataset: datasetPath) }
            guard H5Iget_type(id) == H5I_DATASET else {
                _ = H5Oclose(id)
                throw LoaderError(.mismatch, "not a dataset", path: path, location: .datasetPath(datasetPath))
            }
            let dataset = HDF5Handle(id, .dataset)
            let type = H5Dget_type(id)
            guard type >= 0 else { throw failure("cannot read the element type", file: path, dataset: datasetPath) }
            return (dataset, HDF5Handle(type, .datatype))
        }
    }

    /// Reads a dataset's element type, shape, layout, filters and storage address.
    static func describe(_ dataset: HDF5Handle, type: HDF5Handle, datasetPath: String, path: String) throws -> DatasetDescription {
        try withLibrary {
            let (element, order) = try elementType(type.id, datasetPath: datasetPath, path: path)
            let space = H5Dget_space(dataset.id)
            guard space >= 0 else { throw failure("cannot read the dataspace", file: path, dataset: datasetPath) }
            let spaceHandle = HDF5Handle(space, .dataspace)
            let rank = H5Sget_simple_extent_ndims(spaceHandle.id)
            guard rank >= 0, rank <= 32 else {
                throw failure("unreadable or unsupported dataspace of rank \(rank)", file: path, dataset: datasetPath)
            }
            var dims = [hsize_t](repeating: 0, count: Int(rank))
            var maxDims = [hsize_t](repeating: 0, count: Int(rank))
            guard H5Sget_simple_extent_dims(spaceHandle.id, &dims, &maxDims) >= 0 else {
                throw failure("cannot read the dataset's shape", file: path, dataset: datasetPath)
            }
            guard dims.allSatisfy({ $0 <= hsize_t(Int.max) }) else {
                throw LoaderError(.unsupported, "dimension too large: \(dims)", path: path, location: .datasetPath(datasetPath))
            }
            let creation = H5Dget_create_plist(dataset.id)
            guard creation >= 0 else { throw failure("cannot read creation properties", file: path, dataset: datasetPath) }
            let plist = HDF5Handle(creation, .propertyList)
            if H5Pget_external_count(plist.id) > 0 {
                throw LoaderError(.unsupported, "raw data stored in external files is not read", path: path, location: .datasetPath(datasetPath))
            }
            let layout: HDF5Layout
            var chunkShape: [Int]?
            switch H5Pget_layout(plist.id) {
            case H5D_CONTIGUOUS: layout = .contiguous
            case H5D_COMPACT: layout = .compact
            case H5D_CHUNKED:
                layout = .chunked
                var chunk = [hsize_t](repeating: 0, count: max(Int(rank), 1))
                let chunkRank = H5Pget_chunk(plist.id, max(rank, 1), &chunk)
                guard chunkRank == rank, chunk.allSatisfy({ $0 > 0 && $0 <= hsize_t(UInt32.max) }) else {
                    throw failure("unreadable chunk shape", file: path, dataset: datasetPath, code: .malformed)
                }
                chunkShape = chunk.map { Int($0) }
            case H5D_VIRTUAL:
                throw LoaderError(.unsupported, "virtual datasets (which map other files) are not read", path: path, location: .datasetPath(datasetPath))
            default:
                throw failure("unknown storage layout", file: path, dataset: datasetPath, code: .unsupported)
            }
            let filterCount = H5Pget_nfilters(plist.id)
            guard filterCount >= 0 else { throw failure("cannot read the filter pipeline", file: path, dataset: datasetPath) }
            var filters: [HDF5Filter] = []
            for index in 0..<UInt32(filterCount) {
                var flags: UInt32 = 0
                var valueCount = 8
                var values = [UInt32](repeating: 0, count: 8)
                var name = [CChar](repeating: 0, count: 64)
                var config: UInt32 = 0
                let id = H5Pget_filter2(plist.id, index, &flags, &valueCount, &values, name.count, &name, &config)
                guard id >= 0 else { throw failure("cannot read filter \(index)", file: path, dataset: datasetPath) }
                let used = Array(values.prefix(min(valueCount, values.count)))
                switch id {
                // libhdf5's own filters fail on other parameters (deflate) or unshuffle by the
                // stored element size rather than the type's (shuffle): refuse both here.
                case H5Z_FILTER_DEFLATE:
                    guard used.count == 1, used[0] <= 9 else {
                        throw LoaderError(.malformed, "deflate filter with invalid parameters \(used)", path: path, location: .datasetPath(datasetPath))
                    }
                    filters.append(.deflate(level: Int(used[0])))
                case H5Z_FILTER_SHUFFLE:
                    guard used == [UInt32(element.byteCount)] else {
                        throw LoaderError(
                            .malformed, "shuffle filter parameters \(used) do not match the \(element.byteCount)-byte elements",
                            path: path, location: .datasetPath(datasetPath))
                    }
                    filters.append(.shuffle)
                case H5Z_FILTER_FLETCHER32: filters.append(.fletcher32)
                default:
                    let text = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    filters.append(.other(id: Int(id), name: text))
                }
            }
            var address: UInt64?
            if layout == .contiguous {
                let offset = H5Dget_offset(dataset.id)
                address = offset == chdf5_haddr_undef() ? nil : UInt64(offset)
            }
            var fill = [UInt8](repeating: 0, count: element.byteCount)
            var defined = H5D_FILL_VALUE_UNDEFINED
            var fillTime = H5D_FILL_TIME_ERROR
            guard H5Pfill_value_defined(plist.id, &defined) >= 0, H5Pget_fill_time(plist.id, &fillTime) >= 0 else {
                throw failure("cannot read the fill value properties", file: path, dataset: datasetPath)
            }
            guard [H5D_FILL_TIME_ALLOC, H5D_FILL_TIME_NEVER, H5D_FILL_TIME_IFSET].contains(fillTime) else {
                throw LoaderError(.malformed, "unknown fill time \(fillTime.rawValue)", path: path, location: .datasetPath(datasetPath))
            }
            if fillTime != H5D_FILL_TIME_NEVER, defined != H5D_FILL_VALUE_UNDEFINED {
                guard H5Pget_fill_value(plist.id, type.id, &fill) >= 0 else {
                    throw failure("cannot read the fill value", file: path, dataset: datasetPath)
                }
            }
            let storageSize = Int(clamping: H5Dget_storage_size(dataset.id))
            _ = H5Eclear2(chdf5_e_default())
            return DatasetDescription(
                element: element, byteOrder: order, shape: dims.map { Int($0) },
                maxShape: maxDims.map { $0 == hsize_t.max ? nil : Int(clamping: $0) },
                layout: layout, chunkShape: chunkShape, filters: filters, contiguousAddress: address,
                fillValue: fill, fillUndefined: defined == H5D_FILL_VALUE_UNDEFINED && fillTime != H5D_FILL_TIME_NEVER,
                storageSize: storageSize)
        }
    }

    /// Classifies a file datatype; anything but plain integers and IEEE floats is refused.
    private static func elementType(_ type: Int64, datasetPath: String, path: String) throws -> (HDF5ElementType, HDF5ByteOrder) {
        let typeClass = H5Tget_class(type)
        guard typeClass == H5T_INTEGER || typeClass == H5T_FLOAT else {
            let name = typeClassName(typeClass)
            throw LoaderError(.unsupported, "elements of \(name) type are not numbers: only integers and floats are read", path: path, location: .datasetPath(datasetPath))
        }
        let size = H5Tget_size(type)
        let order: HDF5ByteOrder
        switch H5Tget_order(type) {
        case H5T_ORDER_LE: order = .little
        case H5T_ORDER_BE: order = .big
        default:
            throw LoaderError(.unsupported, "element type has an unsupported byte order", path: path, location: .datasetPath(datasetPath))
        }
        let plainBits = H5Tget_precision(type) == size * 8 && H5Tget_offset(type) == 0
        switch typeClass {
        case H5T_INTEGER:
            let signed = H5Tget_sign(type) == H5T_SGN_2
            let element: HDF5ElementType? = switch (size, signed) {
            case (1, true): .int8
            case (1, false): .uint8
            case (2, true): .int16
            case (2, false): .uint16
            case (4, true): .int32
            case (4, false): .uint32
            case (8, true): .int64
            case (8, false): .uint64
            default: nil
            }
            guard let element, plainBits else {
                throw LoaderError(.unsupported, "unsupported integer type of \(size) bytes", path: path, location: .datasetPath(datasetPath))
            }
            return (element, order)
        default:  // H5T_FLOAT, the only class left
            let reference: Int64 = switch (size, order) {
            case (4, .little): chdf5_t_ieee_f32le()
            case (4, .big): chdf5_t_ieee_f32be()
            case (8, .little): chdf5_t_ieee_f64le()
            default: chdf5_t_ieee_f64be()
            }
            guard size == 4 || size == 8, H5Tequal(type, reference) > 0 else {
                throw LoaderError(.unsupported, "unsupported floating-point type of \(size) bytes (only IEEE float32 and float64)", path: path, location: .datasetPath(datasetPath))
            }
            return (size == 4 ? .float32 : .float64, order)
        }
    }

    /// The stored (still filtered) bytes of the chunk starting at element `origin` and the mask of
    /// filters skipped for it, or nil when the chunk index's search does not find it.
    ///
    /// Both lookups here search the chunk index (O(log n) in libhdf5 1.10, as H5Dread does), so a
    /// chunk is read exactly where H5Dread would find it. The stored size comes from the file:
    /// sizes above `byteLimit` are refused before anything is allocated.
    static func readStoredChunk(
        _ dataset: HDF5Handle, origin: [Int], byteLimit: Int, datasetPath: String, path: String
    ) throws -> (bytes: [UInt8], filterMask: UInt32)? {
        try withLibrary {
            let offsets = origin.map { hsize_t($0) }
            var size: hsize_t = 0
            guard H5Dget_chunk_storage_size(dataset.id, offsets, &size) >= 0 else {
                let error = failure("cannot locate the chunk at \(origin)", file: path, dataset: datasetPath)
                // libhdf5 1.10's ways of saying that the search did not find the chunk (the second
                // when H5Dread has cached the chunk's fill values).
                if error.message.hasSuffix(": chunk storage is not allocated; can't get storage size of chunk")
                    || error.message.hasSuffix(": chunk address isn't defined; can't get storage size of chunk") {
                    return nil
                }
                throw error
            }
            // Later versions report 0 bytes instead.
            guard size > 0 else { return nil }
            guard size <= hsize_t(byteLimit) else {
                throw LoaderError(
                    .truncated, "\(datasetPath): chunk at \(origin): \(size) bytes stored, more than the file's \(byteLimit)",
                    path: path, location: .datasetPath(datasetPath))
            }
            var mask: UInt32 = 0
            let bytes = try [UInt8](unsafeUninitializedCapacity: Int(size)) { buffer, initialized in
                guard H5Dread_chunk(dataset.id, chdf5_p_default(), offsets, &mask, buffer.baseAddress) >= 0 else {
                    throw failure("cannot read the chunk at \(origin)", file: path, dataset: datasetPath)
                }
                initialized = buffer.count
            }
            return (bytes, mask)
        }
    }

    /// The number of chunks the chunk index holds, found by walking it once (O(n)).
    static func allocatedChunkCount(_ dataset: HDF5Handle, datasetPath: String, path: String) throws -> Int {
        try withLibrary {
            let space = H5Dget_space(dataset.id)
            guard space >= 0 else { throw failure("cannot read the dataspace", file: path, dataset: datasetPath) }
            let spaceHandle = HDF5Handle(space, .dataspace)
            var count: hsize_t = 0
            guard H5Dget_num_chunks(dataset.id, spaceHandle.id, &count) >= 0 else {
                throw failure("cannot count the stored chunks", file: path, dataset: datasetPath)
            }
            return Int(clamping: count)
        }
    }

    /// Whether walking the chunk index finds the chunk starting at element `origin`.
    ///
    /// libhdf5 1.10 walks the index from its start on every call (O(n)): only for checking a
    /// chunk that the search did not find.
    static func chunkIndexWalkFinds(_ dataset: HDF5Handle, origin: [Int], datasetPath: String, path: String) throws -> Bool {
        try withLibrary {
            let offsets = origin.map { hsize_t($0) }
            var mask: UInt32 = 0
            var address: haddr_t = 0
            var size: hsize_t = 0
            guard H5Dget_chunk_info_by_coord(dataset.id, offsets, &mask, &address, &size) >= 0 else {
                throw failure("cannot locate the chunk at \(origin)", file: path, dataset: datasetPath)
            }
            return address != chdf5_haddr_undef()
        }
    }

    /// Reads rows `rows` (along the first dimension; all of a scalar dataset) into `buffer` in the
    /// file's own element type, so libhdf5 decodes filters but converts nothing.
    ///
    /// The buffer is zeroed first: H5Dread leaves never-written data it has no fill value for
    /// untouched, which must not hand back whatever memory held before.
    static func readRows(
        _ dataset: HDF5Handle, type: HDF5Handle, shape: [Int], rows: Range<Int>,
        into buffer: UnsafeMutableRawBufferPointer, datasetPath: String, path: String
    ) throws {
        buffer.initializeMemory(as: UInt8.self, repeating: 0)
        try withLibrary {
            if shape.isEmpty {
                guard H5Dread(dataset.id, type.id, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), buffer.baseAddress) >= 0 else {
                    throw failure("cannot read", file: path, dataset: datasetPath)
                }
                return
            }
            if rows.isEmpty { return }
            let fileSpace = H5Dget_space(dataset.id)
            guard fileSpace >= 0 else { throw failure("cannot read the dataspace", file: path, dataset: datasetPath) }
            let fileSpaceHandle = HDF5Handle(fileSpace, .dataspace)
            var start = [hsize_t](repeating: 0, count: shape.count)
            start[0] = hsize_t(rows.lowerBound)
            var count = shape.map { hsize_t($0) }
            count[0] = hsize_t(rows.count)
            guard H5Sselect_hyperslab(fileSpaceHandle.id, H5S_SELECT_SET, start, nil, count, nil) >= 0 else {
                throw failure("cannot select rows \(rows)", file: path, dataset: datasetPath)
            }
            let memorySpace = H5Screate_simple(Int32(shape.count), count, nil)
            guard memorySpace >= 0 else { throw failure("cannot create a dataspace", file: path, dataset: datasetPath) }
            let memoryHandle = HDF5Handle(memorySpace, .dataspace)
            guard H5Dread(dataset.id, type.id, memoryHandle.id, fileSpaceHandle.id, chdf5_p_default(), buffer.baseAddress) >= 0 else {
                throw failure("cannot read rows \(rows.lowerBound)..<\(rows.upperBound)", file: path, dataset: datasetPath)
            }
        }
    }

    // MARK: - Writing

    /// The file datatype `HDF5Writer` stores an element type as (little-endian).
    private static func fileType(_ element: HDF5ElementType) -> Int64 {
        switch element {
        case .int8: chdf5_t_std_i8le()
        case .uint8: chdf5_t_std_u8le()
        case .int16: chdf5_t_std_i16le()
        case .uint16: chdf5_t_std_u16le()
        case .int32: chdf5_t_std_i32le()
        case .uint32: chdf5_t_std_u32le()
        case .int64: chdf5_t_std_i64le()
        case .uint64: chdf5_t_std_u64le()
        case .float32: chdf5_t_ieee_f32le()
        case .float64: chdf5_t_ieee_f64le()
        }
    }

    /// The in-memory datatype of Swift's `element` on this machine.
    private static func memoryType(_ element: HDF5ElementType) -> Int64 {
        switch element {
        case .int8: chdf5_t_native_int8()
        case .uint8: chdf5_t_native_uint8()
        case .int16: chdf5_t_native_int16()
        case .uint16: chdf5_t_native_uint16()
        case .int32: chdf5_t_native_int32()
        case .uint32: chdf5_t_native_uint32()
        case .int64: chdf5_t_native_int64()
        case .uint64: chdf5_t_native_uint64()
        case .float32: chdf5_t_native_float()
        case .float64: chdf5_t_native_double()
        }
    }

    /// Creates dataset `datasetPath` (with intermediate groups), stored little-endian, and writes
    /// `bytes` (native elements, row-major) into it, chunked by `chunkRows` rows and deflated at
    /// `gzipLevel` if given.
    static func writeDataset(
        _ file: HDF5Handle, datasetPath: String, element: HDF5ElementType, shape: [Int],
        bytes: UnsafeRawBufferPointer, chunkRows: Int?, gzipLevel: Int?, shuffle: Bool, path: String
    ) throws {
        try withLibrary {
            let dims = shape.map { hsize_t($0) }
            let space = H5Screate_simple(Int32(shape.count), dims, nil)
            guard space >= 0 else { throw failure("cannot create a dataspace", file: path, dataset: datasetPath, code: .io) }
            let spaceHandle = HDF5Handle(space, .dataspace)
            let creation = H5Pcreate(chdf5_p_dataset_create())
            guard creation >= 0 else { throw failure("cannot create properties", file: path, dataset: datasetPath, code: .io) }
            let creationHandle = HDF5Handle(creation, .propertyList)
            if let chunkRows, !shape.isEmpty {
                var chunk = dims
                chunk[0] = hsize_t(max(1, min(chunkRows, max(shape[0], 1))))
                guard H5Pset_chunk(creationHandle.id, Int32(shape.count), chunk) >= 0 else {
                    throw failure("cannot set chunking", file: path, dataset: datasetPath, code: .io)
                }
                if shuffle, H5Pset_shuffle(creationHandle.id) < 0 {
                    throw failure("cannot add the shuffle filter", file: path, dataset: datasetPath, code: .io)
                }
                if let gzipLevel, H5Pset_deflate(creationHandle.id, UInt32(gzipLevel)) < 0 {
                    throw failure("cannot add the deflate filter", file: path, dataset: datasetPath, code: .io)
                }
            }
            let linkCreation = H5Pcreate(chdf5_p_link_create())
            guard linkCreation >= 0 else { throw failure("cannot create properties", file: path, dataset: datasetPath, code: .io) }
            let linkCreationHandle = HDF5Handle(linkCreation, .propertyList)
            _ = H5Pset_create_intermediate_group(linkCreationHandle.id, 1)
            let type = fileType(element)
            let id = H5Dcreate2(file.id, datasetPath, type, spaceHandle.id, linkCreationHandle.id, creationHandle.id, chdf5_p_default())
            guard id >= 0 else { throw failure("cannot create dataset", file: path, dataset: datasetPath, code: .io) }
            let dataset = HDF5Handle(id, .dataset)
            guard H5Dwrite(dataset.id, memoryType(element), chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), bytes.baseAddress) >= 0 else {
                throw failure("cannot write", file: path, dataset: datasetPath, code: .io)
            }
        }
    }
}
