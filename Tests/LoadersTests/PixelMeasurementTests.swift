import Foundation
import Testing
@testable import Loaders

/// The time of each pixel transform on one [1, 28, 28] image, for Docs/Augmentation.md; runs only
/// when asked: `AUGMENTATION_MEASURE=1 swift test --filter PixelMeasurementTests`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["AUGMENTATION_MEASURE"] != nil))
struct PixelMeasurementTests {
    @Test func microsecondsPerMNISTImage() throws {
        let image = PixelParityTests.fixture.images[0]
        let mnist = Tensor(shape: image.shape, scalars: image.pixels)
        let transforms: [(String, any ImageTransform)] = [
            ("RandomErasing(p=1)", RandomErasing(probability: 1)),
            ("RandomErasing(p=1, value: .random)", RandomErasing(probability: 1, value: .random)),
            ("GaussianBlur(3)", GaussianBlur(kernelSize: 3)),
            ("GaussianBlur(5)", GaussianBlur(kernelSize: 5)),
            ("ColorJitter(0.2, 0.2)", ColorJitter(brightness: 0.2, contrast: 0.2)),
            ("GaussianNoise(0.1)", GaussianNoise(sigma: 0.1)),
            ("Normalize", Normalize(mean: [0.1307], std: [0.3081])),
        ]
        let clock = ContinuousClock()
        for (name, transform) in transforms {
            var times: [Double] = []
            var checksum: UInt32 = 0
            for round in 0..<31 {
                var random = Augmentation.generator(seed: 1, epoch: 1, index: round)
                let elapsed = try clock.measure {
                    for _ in 0..<1000 { checksum &+= try transform.apply(mnist, using: &random).scalars[206].bitPattern }
                }
                times.append(Double(elapsed.components.attoseconds) * 1e-12 + Double(elapsed.components.seconds) * 1e6)
            }
            // The checksum keeps the outputs alive, so the optimiser cannot drop the work.
            print(String(format: "%@: median %.2f µs per image (checksum %08x)", name, times.sorted()[15] / 1000, checksum))
        }
    }
}
