import Testing
@testable import Loaders

/// The sampling's rounding without a C library call gives what `rounded(.toNearestOrEven)` gives:
/// ties to even, negative values, values past 2²² where the shortcut does not apply.
@Suite struct RoundingTests {
    @Test func roundedToNearestEvenIsTheStandardLibrarysRounding() {
        var values: [Float] = [0, -0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, 27.5, 28.5, -27.5, 4_194_303.5, 4_194_304.5, 1e9, -1e9, 3.4e38]
        var random = SeededGenerator(seed: 3)
        values += (0..<10_000).map { _ in Float(random.uniform(-64.0...64.0)) }
        values += (-200...200).map { Float($0) / 2 }
        for value in values {
            #expect(value.roundedToNearestEven == value.rounded(.toNearestOrEven), "\(value)")
        }
    }
}
