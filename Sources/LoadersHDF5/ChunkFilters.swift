import Loaders

/// The inverse of libhdf5's shuffle and fletcher32 filters, applied to raw chunks in worker threads.
enum ChunkFilters {
    /// Undoes the shuffle filter: byte `j` of every element was stored together, for `j` in
    /// `0..<elementSize`; trailing bytes that do not fill an element were stored as they were.
    static func unshuffle(_ bytes: [UInt8], elementSize: Int) -> [UInt8] {
        let elements = bytes.count / elementSize
        guard elementSize > 1, elements > 1 else { return bytes }
        var output = [UInt8](repeating: 0, count: bytes.count)
        bytes.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                for byte in 0..<elementSize {
                    let plane = byte * elements
                    var position = byte
                    for element in 0..<elements {
                        target[position] = source[plane + element]
                        position += elementSize
                    }
                }
                let tail = elements * elementSize
                for index in tail..<bytes.count { target[index] = source[index] }
            }
        }
        return output
    }

    /// HDF5's Fletcher-32 over big-endian 16-bit words, an odd last byte padded with zero
    /// (H5_checksum_fletcher32).
    static func fletcher32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var sum1: UInt32 = 0
        var sum2: UInt32 = 0
        var words = bytes.count / 2
        var index = 0
        while words > 0 {
            // 360 words keep both sums below 2^32 before folding.
            let block = min(words, 360)
            words -= block
            for _ in 0..<block {
                sum1 &+= UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
                sum2 &+= sum1
                index += 2
            }
            sum1 = (sum1 & 0xFFFF) + (sum1 >> 16)
            sum2 = (sum2 & 0xFFFF) + (sum2 >> 16)
        }
        if bytes.count % 2 == 1 {
            sum1 &+= UInt32(bytes[index]) << 8
            sum2 &+= sum1
            sum1 = (sum1 & 0xFFFF) + (sum1 >> 16)
            sum2 = (sum2 & 0xFFFF) + (sum2 >> 16)
        }
        sum1 = (sum1 & 0xFFFF) + (sum1 >> 16)
        sum2 = (sum2 & 0xFFFF) + (sum2 >> 16)
        return sum2 << 16 | sum1
    }

    /// Checks and strips the 4-byte checksum the fletcher32 filter appends (little-endian).
    /// Libraries before HDF5 1.6.3 stored it with each 16-bit half byte-swapped; both are accepted,
    /// as libhdf5 does.
    static func verifyFletcher32(_ bytes: [UInt8], path: String, describe: @autoclosure () -> String) throws -> [UInt8] {
        guard bytes.count >= 4 else {
            throw LoaderError(.malformed, "\(describe()): too short for its fletcher32 checksum", path: path)
        }
        let dataCount = bytes.count - 4
        let stored = UInt32(bytes[dataCount]) | UInt32(bytes[dataCount + 1]) << 8
            | UInt32(bytes[dataCount + 2]) << 16 | UInt32(bytes[dataCount + 3]) << 24
        let computed = bytes.withUnsafeBytes { fletcher32(UnsafeRawBufferPointer(rebasing: $0[..<dataCount])) }
        let reversed = (computed & 0x00FF_00FF) << 8 | (computed & 0xFF00_FF00) >> 8
        guard stored == computed || stored == reversed else {
            throw LoaderError(.checksumMismatch, "\(describe()): fletcher32 checksum \(hex(stored)) does not match the data's \(hex(computed))", path: path)
        }
        var data = bytes
        data.removeLast(4)
        return data
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
