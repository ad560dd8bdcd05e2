import Foundation
import Loaders

/// The formats `inspect` understands, recognised by their first bytes (or, for text formats,
/// by the file name's extension).
enum FileFormat {
    case idx

    /// Decides the format of `path` from its leading bytes.
    /// - Throws: `LoaderError` `.io` when the file cannot be read, `.unsupported` when no format matches.
    static func detect(path: String) throws -> FileFormat {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw LoaderError(.io, "is a directory, not a data file", path: path)
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LoaderError(.io, "cannot open file: \(String(cString: strerror(errno)))", path: path)
        }
        defer { try? handle.close() }
        let leading = [UInt8]((try? handle.read(upToCount: 4)) ?? Data())
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
}
