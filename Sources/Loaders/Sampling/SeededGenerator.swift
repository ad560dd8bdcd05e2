/// A small, fast, reproducible random number generator (xoshiro256**, seeded by SplitMix64).
///
/// Every random choice in SwiftLoaders (shuffles, splits, initial weights) draws from one of these,
/// so a run is a pure function of its seeds on every platform and Swift version, which the
/// standard library's `SystemRandomNumberGenerator` cannot promise.
///
/// ```swift
/// var random = SeededGenerator(seed: 42)
/// let order = (0..<10).shuffled(using: &random)
/// ```
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// A generator whose output depends only on `seed`.
    public init(seed: UInt64) {
        var mixer = seed
        state = (Self.splitMix(&mixer), Self.splitMix(&mixer), Self.splitMix(&mixer), Self.splitMix(&mixer))
    }

    /// A generator for one stream derived from a seed, e.g. `(seed, epoch)` or `(seed, worker)`:
    /// distinct streams give unrelated sequences.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = seed ^ (stream &* 0x9E37_79B9_7F4A_7C15)
        self.init(seed: Self.splitMix(&mixer))
    }

    /// A generator starting from a raw xoshiro256** state (for checking against the reference).
    init(state: (UInt64, UInt64, UInt64, UInt64)) {
        self.state = state
    }

    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    private func rotateLeft(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }

    private static func splitMix(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
