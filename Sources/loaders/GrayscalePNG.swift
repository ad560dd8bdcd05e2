import Loaders

/// An 8-bit grayscale image and its PNG encoding (ISO/IEC 15948): the signature, an IHDR chunk,
/// one IDAT chunk holding the zlib-compressed rows (each with filter type 0, none), and IEND; each
/// chunk closed by the CRC-32 of its type and data.
struct GrayscalePNG: Equatable {
    var width: Int
    var height: Int
    /// Row-major, `width · height` of them; 0 is black.
    var pixels: [UInt8]

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// - Precondition: `pixels.count == width · height`, both sides positive.
    init(width: Int, height: Int, pixels: [UInt8]) {
        require(width > 0 && height > 0 && pixels.count == width * height,
                "GrayscalePNG needs width · height pixels and positive sides, got \(width)×\(height) and \(pixels.count) pixels")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The PNG file's bytes.
    /// - Throws: `LoaderError` `.io` when zlib fails.
    func encoded() throws -> [UInt8] {
        var header = Self.bigEndian(UInt32(width)) + Self.bigEndian(UInt32(height))
        header += [8, 0, 0, 0, 0]   // bit depth 8, grayscale, deflate, adaptive filtering, no interlace
        var rows: [UInt8] = []
        rows.reserveCapacity((width + 1) * height)
        for row in 0..<height {
            rows.append(0)
            rows += pixels[(row * width)..<((row + 1) * width)]
        }
        return Self.signature + Self.chunk("IHDR", header) + Self.chunk("IDAT", try zlibCompressed(rows)) + Self.chunk("IEND", [])
    }

    /// Writes the PNG to `path` atomically: a reader sees the old file or the whole new one.
    /// - Throws: `LoaderError` `.io` naming `path`.
    func write(to path: String) throws {
        try AtomicFile.write(try encoded(), to: path)
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(CRC32.checksum(typed))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
    }
}
