import Foundation
import Loaders
import Testing

/// The median time of the geometric transforms on one 1 × 28 × 28 image; runs only when asked:
/// `GEOMETRIC_MEASURE=1 swift test -c release --filter GeometricTimingTests`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["GEOMETRIC_MEASURE"] != nil))
struct GeometricTimingTests {
    @Test func microsecondsPerMNISTImage() throws {
        let images = try MNIST(directory: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/mnist").path, split: .test)
        let digits = try images.dataset.samples(at: Array(0..<256)).map(\.features)
        let transforms: [(String, any ImageTransform)] = [
            ("RandomAffine nearest (±15°, 0.1, 0.9–1.1, ±10° shear)", RandomAffine(degrees: -15...15, translate: (0.1, 0.1), scale: 0.9...1.1, shear: -10...10)),
            ("RandomAffine bilinear (same)", RandomAffine(degrees: -15...15, translate: (0.1, 0.1), scale: 0.9...1.1, shear: -10...10, interpolation: .bilinear)),
            ("RandomRotation bilinear ±30°", RandomRotation(degrees: -30...30, interpolation: .bilinear)),
            ("RandomCrop 28, padding 4", RandomCrop(size: [28], padding: [4])),
            ("RandomResizedCrop 28, scale 0.5–1", RandomResizedCrop(size: [28], scale: 0.5...1)),
            ("Resize 20 × 20 (antialiased)", Resize(size: [20, 20])),
            ("Resize 40 × 40", Resize(size: [40, 40])),
            ("ElasticTransform alpha 34, sigma 4", ElasticTransform(alpha: 34, sigma: 4)),
        ]
        let clock = ContinuousClock()
        var checksum: Float = 0
        for (name, transform) in transforms {
            var times: [Double] = []
            for round in 0..<30 {
                var outputs: [Tensor<Float>] = []
                outputs.reserveCapacity(digits.count)
                let elapsed = try clock.measure {
                    for (index, digit) in digits.enumerated() {
                        var random = Augmentation.generator(seed: 1, epoch: round, index: index)
                        outputs.append(try transform.apply(digit, using: &random))
                    }
                }
                checksum += outputs[round].scalars.reduce(0, +)
                times.append((Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) * 1e-12) / Double(digits.count))
            }
            print(String(format: "%@: median %.2f µs per image", name, times.sorted()[times.count / 2]))
        }
        #expect(checksum.isFinite)
    }
}
