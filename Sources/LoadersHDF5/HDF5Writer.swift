import Loaders

/// Writes tensors as datasets of a new HDF5 file, readable by h5py and any HDF5 library.
///
/// Elements are stored little-endian; a dataset is contiguous unless `chunkRows` or `gzipLevel`
/// is given, then chunked by rows (deflate needs chunks).
///
/// ```swift
/// let writer = try HDF5Writer(creating: "mnist.h5")
/// try writer.write(images, to: "/images", chunkRows: 256, gzipLevel: 4)   // Tensor<UInt8> [N, 28, 28]
/// try writer.write(labels, to: "/labels")                                  // Tensor<UInt8> [N]
/// try writer.flush()
/// ```
public final class HDF5Writer: Sendable {
    /// The file being written.
    public let path: String
    private let handle: HDF5Handle

    /// Creates (or replaces) the file at `path`.
    /// - Throws: `LoaderError.io` with libhdf5's message when it cannot be created.
    public init(creating path: String) throws {
        self.path = path
        handle = try HDF5Calls.createFile(path)
    }

    /// Writes `tensor` as a new dataset at `datasetPath`, creating missing groups.
    /// - Parameters:
    ///   - chunkRows: rows per chunk; nil stores the dataset contiguously (or, with `gzipLevel`,
    ///     in chunks of about 1 MiB).
    ///   - gzipLevel: deflate level 0...9, or nil for no compression.
    /// - Throws: `LoaderError.io` naming the file and dataset when libhdf5 refuses.
    /// - Complexity: O(elements).
    public func write<Scalar: HDF5WritableScalar>(
        _ tensor: Tensor<Scalar>, to datasetPath: String, chunkRows: Int? = nil, gzipLevel: Int? = nil
    ) throws {
        require(gzipLevel.map { (0...9).contains($0) } ?? true, "gzip level must be in 0...9")
        require(chunkRows.map { $0 > 0 } ?? true, "chunkRows must be positive")
        var rows = chunkRows
        if rows == nil, gzipLevel != nil, let first = tensor.shape.first {
            let rowBytes = max(1, tensor.shape.dropFirst().reduce(1, *) * Scalar.hdf5ElementType.byteCount)
            rows = max(1, min(first, (1 << 20) / rowBytes))
        }
        if tensor.shape.isEmpty || tensor.count == 0 { rows = nil }
        try tensor.scalars.withUnsafeBytes { bytes in
            try HDF5Calls.writeDataset(
                handle, datasetPath: datasetPath, element: Scalar.hdf5ElementType, shape: tensor.shape,
                bytes: bytes, chunkRows: rows, gzipLevel: rows == nil ? nil : gzipLevel, shuffle: false, path: path)
        }
    }

    /// Writes everything buffered to disk; the file closes when the writer is released.
    /// - Throws: `LoaderError.io` when the flush fails.
    public func flush() throws {
        try HDF5Calls.flush(handle, path: path)
    }
}
