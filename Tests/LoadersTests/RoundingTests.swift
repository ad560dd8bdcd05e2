import Testing
@testable import Loaders

/// The sampling's rounding without a C library call gives what `rounded(.toNearestOrEven)` gives
/// (ties to even, negative values), and values past 2²², infinities and NaN never land on a pixel.
@Suite struct RoundingTests {
    @Test func nearestIntegerIsTheStandardLibrarysRounding() {
        var values: [Float] = [0, -0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, 27.5, 28.5, -27.5, 4_194_303.5, -4_194_303.5]
        var random = SeededGenerator(seed: 3)
        values += (0..<10_000).map { _ in Float(random.uniform(-64.0...64.0)) }
        values += (-200...200).map { Float($0) / 2 }
        for value in values {
            #expect(value.nearestInteger == Int32(value.rounded(.toNearestOrEven)), "\(value)")
        }
    }

    @Test func valuesBeyondTheShortcutFallOutsideEveryImage() {
        let faraway: [Float] = [4_194_304.5, -4_194_304.5, 8_388_608, -8_388_608, 12_582_912, -12_582_912, 16_777_216,
                                -16_777_216, 1e9, -1e9, 3.4e38, -3.4e38, .infinity, -.infinity, .nan, -.nan]
        for value in faraway {
            let index = value.nearestInteger
            #expect(index < 0 || index >= 1 << 22, "\(value) gave \(index)")
        }
    }
}
