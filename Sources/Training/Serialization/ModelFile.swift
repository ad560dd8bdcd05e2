import Foundation
import Loaders

/// Saves and loads a model's parameters in a small binary format, so a trained model can be
/// evaluated later.
///
/// Pass a model's `state` (its parameters, then its buffers such as batch normalisation's running
/// statistics) to keep everything evaluation needs. A model without buffers has the same state as
/// parameters, so files saved from `parameters` before buffers existed still load.
///
/// A file can also carry metadata: text entries that say how to rebuild and feed the model (the
/// `loaders` tool keeps its model spec, task and input normalisation there, so that
/// `loaders evaluate` needs only the file).
///
/// The format (all integers unsigned 32-bit little-endian):
///
/// ```text
/// "SLPM"                       4-byte magic
/// version = 2                  (version 1: no metadata field)
/// metadata byte count M, M bytes of a JSON object of strings (UTF-8, sorted keys)
/// parameter count N
/// N times:
///   name byte count, name (UTF-8)
///   rank R, R dimensions
///   the values: product of dimensions × float32 little-endian, row-major
/// ```
///
/// Loading checks every name and shape against the model's own parameters, so weights never
/// land in the wrong layer.
///
/// ```swift
/// try ModelFile.save(model.state, to: "model.bin")
/// try ModelFile.load(into: model.state, from: "model.bin")
/// ```
public enum ModelFile {
    static let magic: [UInt8] = Array("SLPM".utf8)
    static let version: UInt32 = 2
    /// The most metadata a file may declare: far more than any model's description needs, and a
    /// bound on what a damaged length can make a reader allocate.
    static let maximumMetadataBytes = 1 << 20

    /// Writes `parameters` (their names, shapes and values) and `metadata` to `path`, replacing
    /// any file there atomically (`AtomicFile`).
    /// - Throws: `LoaderError` `.io` when the file cannot be written.
    /// - Complexity: O(total parameter count).
    public static func save(_ parameters: [Parameter], metadata: [String: String] = [:], to path: String) throws {
        var bytes = magic
        append(version, to: &bytes)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = try encoder.encode(metadata)
        require(text.count <= maximumMetadataBytes, "model metadata of \(text.count) bytes is over \(maximumMetadataBytes)")
        append(UInt32(text.count), to: &bytes)
        bytes += text
        append(UInt32(parameters.count), to: &bytes)
        for parameter in parameters {
            let name = Array(parameter.name.utf8)
            append(UInt32(name.count), to: &bytes)
            bytes += name
            append(UInt32(parameter.shape.count), to: &bytes)
            for dimension in parameter.shape { append(UInt32(dimension), to: &bytes) }
            for value in parameter.value.scalars { append(value.bitPattern, to: &bytes) }
        }
        try AtomicFile.write(bytes, to: path)
    }

    /// Reads the file at `path` into `parameters`, which must match the saved names and shapes
    /// in order.
    ///
    /// Fields are read one at a time and checked before the next, so a wrong or huge file costs
    /// no more memory than the model itself.
    /// - Throws: `LoaderError` `.io` (unreadable), `.malformed` (not this format, or an unknown
    ///   version), `.truncated` (ends early), `.mismatch` (a name, shape or count that differs
    ///   from the model's), each naming the file and byte offset. The parameters are unchanged
    ///   when it throws.
    /// - Complexity: O(total parameter count).
    public static func load(into parameters: [Parameter], from path: String) throws {
        var reader = try Reader(path: path)
        _ = try reader.metadata()
        let countOffset = reader.offset
        let count = Int(try reader.uint32())
        guard count == parameters.count else {
            throw LoaderError(.mismatch, "file has \(count) parameters, the model \(parameters.count)",
                              path: path, location: .byteOffset(countOffset))
        }
        var values: [[Float]] = []
        for parameter in parameters {
            let recordOffset = reader.offset
            let nameLength = Int(try reader.uint32())
            // Longer than any name this model has: no need to read it to know it differs.
            guard nameLength <= parameter.name.utf8.count else {
                throw LoaderError(.mismatch, "file has a name of \(nameLength) bytes where the model has \(parameter.name)",
                                  path: path, location: .byteOffset(recordOffset))
            }
            let name = String(decoding: try reader.take(nameLength), as: UTF8.self)
            let rank = Int(try reader.uint32())
            guard rank == parameter.shape.count else {
                throw LoaderError(.mismatch, "file has \(name) of rank \(rank) where the model has \(parameter.name) \(parameter.shape)",
                                  path: path, location: .byteOffset(recordOffset))
            }
            var shape: [Int] = []
            for _ in 0..<rank { shape.append(Int(try reader.uint32())) }
            guard name == parameter.name, shape == parameter.shape else {
                throw LoaderError(.mismatch, "file has \(name) \(shape) where the model has \(parameter.name) \(parameter.shape)",
                                  path: path, location: .byteOffset(recordOffset))
            }
            let bytes = try reader.take(4 * parameter.value.count)
            values.append(bytes.withUnsafeBytes { raw in
                (0..<parameter.value.count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
            })
        }
        guard reader.offset == reader.file.size else {
            throw LoaderError(.malformed, "\(reader.file.size - reader.offset) bytes after the last parameter",
                              path: path, location: .byteOffset(reader.offset))
        }
        for (parameter, scalars) in zip(parameters, values) { parameter.value.scalars = scalars }
    }

    /// The metadata saved with the model at `path` (empty for a version 1 file).
    /// - Throws: `LoaderError` as `load` does for the file's header.
    public static func metadata(at path: String) throws -> [String: String] {
        var reader = try Reader(path: path)
        return try reader.metadata()
    }

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    /// Reads little-endian fields front to back, throwing `.truncated` at the end of the file.
    private struct Reader {
        let file: ReadOnlyFile
        var offset = 0

        init(path: String) throws {
            file = try ReadOnlyFile(path: path)
        }

        /// Reads the magic, the version and (from version 2) the metadata.
        mutating func metadata() throws -> [String: String] {
            guard try take(4) == magic else {
                throw LoaderError(.malformed, "not a model file (magic is not \"SLPM\")", path: file.path, location: .byteOffset(0))
            }
            let versionOffset = offset
            let fileVersion = try uint32()
            guard fileVersion == 1 || fileVersion == version else {
                throw LoaderError(.malformed, "unsupported model file version \(fileVersion)", path: file.path, location: .byteOffset(versionOffset))
            }
            guard fileVersion >= 2 else { return [:] }
            let lengthOffset = offset
            let length = Int(try uint32())
            guard length <= maximumMetadataBytes else {
                throw LoaderError(.malformed, "metadata of \(length) bytes, over the \(maximumMetadataBytes) a model file may have",
                                  path: file.path, location: .byteOffset(lengthOffset))
            }
            let text = try take(length)
            guard let metadata = try? JSONDecoder().decode([String: String].self, from: Data(text)) else {
                throw LoaderError(.malformed, "the metadata is not a JSON object of strings", path: file.path, location: .byteOffset(lengthOffset + 4))
            }
            return metadata
        }

        mutating func take(_ count: Int) throws -> [UInt8] {
            guard count <= file.size - offset else {
                throw LoaderError(.truncated, "model file ends after \(file.size) bytes, \(count) more needed",
                                  path: file.path, location: .byteOffset(offset))
            }
            var bytes = [UInt8](repeating: 0, count: count)
            try bytes.withUnsafeMutableBytes { try file.readExactly(into: $0, at: offset) }
            offset += count
            return bytes
        }

        mutating func uint32() throws -> UInt32 {
            try take(4).reversed().reduce(0) { $0 << 8 | UInt32($1) }
        }
    }
}
