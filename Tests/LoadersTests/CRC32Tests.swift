import Loaders
import Testing

@Suite struct CRC32Tests {
    @Test func matchesTheStandardCheckValue() {
        // The check value of CRC-32 (ISO-HDLC) in every catalogue of CRCs.
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test func piecesGiveTheChecksumOfTheWhole() {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        var crc = CRC32()
        for start in stride(from: 0, to: bytes.count, by: 777) {
            bytes[start..<min(start + 777, bytes.count)].withUnsafeBytes { crc.update($0) }
        }
        #expect(crc.value == CRC32.checksum(bytes))
        #expect(crc.value != CRC32.checksum(bytes.dropLast()))
    }
}
