/// gzip members that store their data uncompressed (deflate's stored blocks), with the CRC-32 and
/// length trailer: a gzip writer independent of zlib and libdeflate, so that the IDX fuzzer can
/// wrap any payload it makes in valid gzip and knows the decompressed bytes exactly.
public enum StoredGzip {
    /// One gzip member holding `data`.
    public static func member(_ data: ArraySlice<UInt8>) -> [UInt8] {
        // Magic, deflate, no flags, no time, no extra flags, unknown system.
        var member: [UInt8] = [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF]
        var start = data.startIndex
        repeat {
            let end = min(start + 0xFFFF, data.endIndex)
            let length = UInt16(end - start)
            member += [end == data.endIndex ? 1 : 0]   // BFINAL on the last block, BTYPE 00: stored
            member += littleEndian(UInt32(length) | UInt32(~length) << 16)
            member += data[start..<end]
            start = end
        } while start < data.endIndex
        member += littleEndian(crc32(data))
        member += littleEndian(UInt32(truncatingIfNeeded: data.count))
        return member
    }

    /// The CRC-32 gzip stores (the reflected polynomial 0xEDB88320), bit by bit.
    static func crc32(_ data: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
