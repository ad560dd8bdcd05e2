/// Finds a byte in memory 32 bytes at a time (vector compares) and then eight at a time (SWAR),
/// for the long runs the CSV reader skips: quoted text, and whole blocks when counting quotes.
enum ByteSearch {
    /// The first `byte` in `start..<end`, or nil.
    /// - Complexity: O(`end - start`), about one step per eight bytes.
    static func first(_ byte: UInt8, from start: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>) -> UnsafePointer<UInt8>? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let pattern = UInt64(byte) &* ones
        var pointer = start
        // Thirty-two bytes at a time while none matches (vector compares), then word by word.
        let wide = SIMD32<UInt8>(repeating: byte)
        while end - pointer >= 32 {
            let block = UnsafeRawPointer(pointer).loadUnaligned(as: SIMD32<UInt8>.self)
            if any(block .== wide) { break }
            pointer += 32
        }
        while end - pointer >= 8 {
            // A byte equal to `byte` becomes zero; the lowest flagged byte is the first zero byte
            // (borrows can only flag bytes above a true zero).
            let word = UInt64(littleEndian: UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self)) ^ pattern
            let found = (word &- ones) & ~word & highs
            if found != 0 { return pointer + found.trailingZeroBitCount / 8 }
            pointer += 8
        }
        while pointer < end {
            if pointer.pointee == byte { return pointer }
            pointer += 1
        }
        return nil
    }

    /// The number of `byte`s in `start..<end`.
    static func count(_ byte: UInt8, from start: UnsafePointer<UInt8>, to end: UnsafePointer<UInt8>) -> Int {
        var count = 0
        var pointer = start
        while let found = first(byte, from: pointer, to: end) {
            count += 1
            pointer = found + 1
        }
        return count
    }
}
