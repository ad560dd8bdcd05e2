import Foundation
import Loaders

/// The formats `inspect` understands, recognised by their first bytes (or, for text formats,
/// by the file name's extension; the CSV reader itself refuses a compressed or binary file).
enum FileFormat: Equatable {
    case idx
    /// Comma-separated text (`.csv`), or tab-separated (`.tsv`).
    case csv(delimiter: Character)
    case hdf5

    /// HDF5's format signature, found at byte 0 or, after a user block, at 512, 1024, 2048, ….
    static let hdf5Signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Decides the format of `path` from its leading bytes.
    /// - Throws: `LoaderError` `.io` when the file cannot be read, `.unsupported` when no format matches.
    static func detect(path: String) throws -> FileFormat {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw LoaderError(.io, "is a directory, not a data file", path: path)
        }
        if let delimiter = textDelimiter(forName: path) { return .csv(delimiter: delimiter) }
        let file = try ReadOnlyFile(path: path)
        let leading = try bytes(of: file, count: 8, at: 0)
        if try leading == hdf5Signature || hasHDF5SignatureAfterUserBlock(file) {
            return .hdf5
        }
        switch leading.count >= 2 ? (leading[0], leading[1]) : (0xFF, 0xFF) {
        case (0x1F, 0x8B), (0x00, 0x00):
            // gzip-compressed IDX, or IDX's two zero bytes; the IDX reader validates the rest.
            return .idx
        default:
            if leading.isEmpty {
                throw LoaderError(.truncated, "empty file", path: path, location: .byteOffset(0))
            }
            throw LoaderError(
                .unsupported,
                "unrecognised file format (leading bytes: \(leading.map { String(format: "%02x", $0) }.joined(separator: " ")))",
                path: path, location: .byteOffset(0))
        }
    }

    /// The delimiter a text file's name suggests: `,` for `.csv`, tab for `.tsv`, also under a
    /// compression extension (`.csv.gz`), so that the CSV reader, not the IDX one, says what the
    /// file is; nil for other names.
    private static func textDelimiter(forName path: String) -> Character? {
        var name = path as NSString
        if ["gz", "bz2", "xz", "zst", "zip"].contains(name.pathExtension.lowercased()) {
            name = name.deletingPathExtension as NSString
        }
        switch name.pathExtension.lowercased() {
        case "csv": return ","
        case "tsv": return "\t"
        default: return nil
        }
    }

    /// Whether the HDF5 signature sits at a user-block boundary (512, 1024, … up to 64 KiB).
    private static func hasHDF5SignatureAfterUserBlock(_ file: ReadOnlyFile) throws -> Bool {
        var offset = 512
        while offset <= 65536 {
            if try bytes(of: file, count: 8, at: offset) == hdf5Signature { return true }
            offset *= 2
        }
        return false
    }

    /// Up to `count` bytes of `file` from `offset`; fewer at its end.
    private static func bytes(of file: ReadOnlyFile, count: Int, at offset: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let read = try bytes.withUnsafeMutableBytes { try file.read(into: $0, at: offset) }
        return Array(bytes.prefix(read))
    }
}
