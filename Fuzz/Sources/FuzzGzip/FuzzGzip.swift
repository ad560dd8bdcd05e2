import FuzzSupport
@testable import Loaders

/// The gzip readers: zlib's streaming `GzipReader`, read through large blocks and through tiny
/// blocks and reads, must give the same bytes or the same error, and its offsets must account
/// for the whole file; libdeflate's whole-buffer decoder (what `IDXArray(contentsOf:)` uses)
/// must give zlib's bytes when it decodes a file, never accept a file zlib rejects, and never
/// write past its buffer. Every error names the file and an offset in it, and says that the
/// offset is in the compressed file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzip(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let path = FuzzFiles.save(bytes, as: "input")
    let rules = ErrorRules(paths: [path]) { error, location in
        guard case .byteOffset(let offset) = location else { return "not a byte offset" }
        guard (0...size).contains(offset) else { return "offset outside the \(size)-byte file" }
        guard error.message.hasSuffix("(offset in the compressed file)") else { return "the message does not say which offset" }
        return nil
    }
    let large = Outcome("zlib, 1 MiB blocks", rules: rules) { try gunzip(path, blockSize: 1 << 20, chunk: 1 << 16) }
    // Block and read sizes from the input's length, so that boundaries fall everywhere.
    let small = Outcome("zlib, small blocks", rules: rules) { try gunzip(path, blockSize: 16 + size % 23, chunk: 1 + size % 31) }
    expectSame(large, small, "zlib in large and in small blocks")

    switch large {
    case .value(let plain):
        // libdeflate may refuse a file zlib reads (a header CRC, which it does not check): its
        // callers read those with zlib. What it decodes must be zlib's bytes.
        if let whole = inflateWhole(bytes, room: plain.count), whole != plain {
            violation("libdeflate and zlib decode \(size) bytes differently: \(whole.count) and \(plain.count) bytes")
        }
        if !plain.isEmpty, let over = inflateWhole(bytes, room: plain.count - 1) {
            violation("libdeflate fit \(over.count) bytes into a buffer one byte short of \(plain.count)")
        }
    case .failure(let failure):
        // Deflate expands at most 1032:1, so this is room for anything the file could hold.
        if let plain = inflateWhole(bytes, room: 1032 * size + 64) {
            violation("libdeflate decodes \(plain.count) bytes from a file zlib rejects: \(failure)")
        }
    }
    return 0
}

/// Every decompressed byte, `chunk` bytes per read through `blockSize`-byte input blocks; then
/// checks that the reader's offsets account for the whole file and that it stays at its end.
private func gunzip(_ path: String, blockSize: Int, chunk: Int) throws -> [UInt8] {
    let reader = try GzipReader(path: path, blockSize: blockSize)
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: chunk)
    while true {
        let got = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
        output += buffer[..<got]
        if got < chunk { break }
    }
    let fileSize = try ReadOnlyFile(path: path).size
    guard reader.decompressedOffset == output.count, reader.compressedOffset == fileSize else {
        violation("after the end, GzipReader is at \(reader.decompressedOffset) of \(output.count) decompressed bytes and \(reader.compressedOffset) of \(fileSize) compressed")
    }
    let again = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
    guard again == 0 else { violation("GzipReader read \(again) bytes after its end") }
    return output
}

/// The file decoded by libdeflate into a buffer of `room` bytes, or nil when it refuses.
private func inflateWhole(_ bytes: [UInt8], room: Int) -> [UInt8]? {
    let decompressor: DeflateDecompressor
    do {
        decompressor = try DeflateDecompressor()
    } catch {
        violation("libdeflate could not start: \(error)")
    }
    var produced: Int?
    let output = bytes.withUnsafeBytes { input in
        [UInt8](unsafeUninitializedCapacity: room) { buffer, initialized in
            produced = decompressor.decompressGzipMembers(input, into: UnsafeMutableRawBufferPointer(buffer))
            initialized = produced ?? 0
        }
    }
    return produced == nil ? nil : output
}
