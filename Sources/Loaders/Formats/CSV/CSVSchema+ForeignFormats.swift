/// Files that are not UTF-8 text, told by their first bytes before any of them is read as CSV:
/// otherwise a gzip-compressed CSV reads as one column of binary names and fails with a message
/// about records that says nothing of what the file is.
extension CSVSchema {
    /// The byte-order marks of the encodings the reader refuses, longest first. Their text has a
    /// zero byte beside every ASCII one, which would otherwise read as names full of NULs.
    private static let wideEncodings: [(mark: [UInt8], encoding: String)] = [
        ([0xFF, 0xFE, 0x00, 0x00], "UTF-32 little-endian"), ([0x00, 0x00, 0xFE, 0xFF], "UTF-32 big-endian"),
        ([0xFF, 0xFE], "UTF-16 little-endian"), ([0xFE, 0xFF], "UTF-16 big-endian"),
    ]

    /// The signatures of the compressed and binary formats a CSV file is most often confused
    /// with, and what to do instead.
    private static let binaryFormats: [(signature: [UInt8], format: String, advice: String)] = [
        ([0x1F, 0x8B], "gzip-compressed", "decompress it first (gunzip -k)"),
        ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz-compressed", "decompress it first (unxz -k)"),
        ([0x28, 0xB5, 0x2F, 0xFD], "zstd-compressed", "decompress it first (unzstd)"),
        ([0x50, 0x4B, 0x03, 0x04], "a zip archive", "extract the CSV file from it first"),
        ([0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A], "HDF5", "open it as HDF5"),
    ]

    /// bzip2: `BZh`, the block size digit, then the magic of a first block (π) or of the end of
    /// an empty stream (√π): `BZh` alone is also the start of ordinary text.
    private static func isBzip2(_ head: [UInt8]) -> Bool {
        head.count >= 10 && head.starts(with: [0x42, 0x5A, 0x68]) && (0x31...0x39).contains(head[3])
            && [[0x31, 0x41, 0x59, 0x26, 0x53, 0x59], [0x17, 0x72, 0x45, 0x38, 0x50, 0x90]].contains(Array(head[4..<10]))
    }

    /// IDX: two zero bytes, then an element type code (0x08 uint8 … 0x0E float64, no 0x0A).
    private static func isIDX(_ head: [UInt8]) -> Bool {
        head.count >= 3 && head[0] == 0 && head[1] == 0 && [0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E].contains(head[2])
    }

    /// - Throws: `LoaderError` `.unsupported` when the file starts with a UTF-16 or UTF-32
    ///   byte-order mark (at line 1, column 1), or with the signature of a compressed or binary
    ///   format (at byte 0), saying which.
    static func refuseForeignFormats(_ file: CSVText) throws {
        let head = try leadingBytes(of: file, count: 10)
        // Only gzip is inflated; compressed twice, the text itself starts with a signature.
        let what = file.isInflated ? "the decompressed text" : "the file"
        if let (mark, encoding) = wideEncodings.first(where: { head.starts(with: $0.mark) }) {
            throw LoaderError(
                .unsupported, "\(what) is \(encoding) (it starts with the byte-order mark \(hex(mark))); save it as UTF-8",
                path: file.path, location: .lineColumn(line: 1, column: 1))
        }
        if let (signature, format, advice) = binaryFormats.first(where: { head.starts(with: $0.signature) }) {
            throw LoaderError(
                .unsupported, "\(what) is \(format) (it starts with \(hex(signature))), not CSV text; \(advice)",
                path: file.path, location: .byteOffset(0))
        }
        if isBzip2(head) {
            throw LoaderError(
                .unsupported, "\(what) is bzip2-compressed (it starts with \(hex(Array(head.prefix(4))))), not CSV text; decompress it first (bunzip2 -k)",
                path: file.path, location: .byteOffset(0))
        }
        if isIDX(head) {
            throw LoaderError(
                .unsupported, "\(what) is IDX (it starts with \(hex(Array(head.prefix(4))))), not CSV text; open it as IDX",
                path: file.path, location: .byteOffset(0))
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 0x10 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
    }
}
