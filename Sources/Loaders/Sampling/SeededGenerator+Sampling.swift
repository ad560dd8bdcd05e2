extension SeededGenerator {
    /// A generator for `epoch` (counted from 1) of the sampler seeded with `seed`: the first
    /// epoch draws from stream 0.
    init(seed: UInt64, epoch: Int) {
        self.init(seed: seed, stream: UInt64(truncatingIfNeeded: epoch &- 1))
    }

    /// A uniformly distributed integer in `0..<bound` (Lemire's nearly-divisionless method).
    ///
    /// Written out rather than using `Int.random(in:using:)` because the standard library does not
    /// promise that method's algorithm, and orders must not change with the Swift version. Random
    /// transforms of your own draw with this and `uniform(_:)` for the same reason.
    public mutating func uniform(below bound: Int) -> Int {
        precondition(bound > 0, "uniform(below:) needs a positive bound, got \(bound)")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// A uniformly distributed `Double` in `[0, 1)` with 53 random bits.
    public mutating func unitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniformly distributed `Double` in `range` (`lower + (upper - lower) · u`, u in `[0, 1)`).
    public mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * unitDouble()
    }

    /// Shuffles `elements` in place (Fisher–Yates), reproducibly for a given generator state.
    mutating func shuffle<Element>(_ elements: inout [Element]) {
        guard elements.count > 1 else { return }
        for i in stride(from: elements.count - 1, to: 0, by: -1) {
            elements.swapAt(i, uniform(below: i + 1))
        }
    }

    /// A uniformly random permutation of `0..<count`.
    mutating func permutation(of count: Int) -> [Int] {
        var indices = Array(0..<count)
        shuffle(&indices)
        return indices
    }
}
