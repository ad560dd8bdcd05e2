/// The distinct values of a text column, numbered 0, 1, 2, … in order of first appearance.
///
/// Looked up by the bytes in the parse buffer, so that naming a row's category makes no `String`
/// and no array unless the category is new: an open-addressing hash table over stored byte strings.
struct CategoryTable: Sendable {
    /// Every category's bytes, by number.
    private(set) var categories: [[UInt8]] = []
    private var slots: [Int32] = Array(repeating: -1, count: 16)
    private var hashes: [UInt64] = []
    private var lastFound: Int32 = -1

    /// The categories as text, by number.
    var names: [String] { categories.map { String(decoding: $0, as: UTF8.self) } }

    /// The number of `bytes`, adding it as the next category when it is new.
    /// - Complexity: O(`bytes.count`) expected.
    mutating func number(of bytes: UnsafeRawBufferPointer) -> Int32 {
        if lastFound >= 0, categories[Int(lastFound)].elementsEqual(bytes) { return lastFound }
        let hash = Self.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 {
            let candidate = slots[slot]
            if hashes[Int(candidate)] == hash, categories[Int(candidate)].elementsEqual(bytes) {
                lastFound = candidate
                return candidate
            }
            slot = (slot + 1) & mask
        }
        let number = Int32(categories.count)
        categories.append(Array(bytes))
        hashes.append(hash)
        slots[slot] = number
        if categories.count * 2 > slots.count { grow() }
        lastFound = number
        return number
    }

    private mutating func grow() {
        slots = Array(repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (number, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(number)
        }
    }

    /// FNV-1a, 64 bit.
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}
