/// A counter-based generator: the `counter`-th 64-bit value under `key` is SplitMix64's output
/// for that position, so any element's draw is computed on its own, in any order, on any thread.
enum CounterHash {
    /// SplitMix64's finaliser, a bijection that spreads every input bit over the output.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The key of stream `stream` (a training pass) under `seed`.
    static func key(_ seed: UInt64, _ stream: UInt64) -> UInt64 {
        mix(mix(seed) &+ stream &* 0xD1B5_4A32_D192_ED03)
    }

    /// The `counter`-th value under `key`.
    @inline(__always)
    static func value(_ key: UInt64, _ counter: Int) -> UInt64 {
        mix(key &+ UInt64(truncatingIfNeeded: counter) &* 0x9E37_79B9_7F4A_7C15)
    }
}
