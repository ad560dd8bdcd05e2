import Foundation
import Testing
@testable import Loaders

/// The random geometric transforms: their draws stay in their ranges and spread over them, the
/// image they return is the functional transform with the drawn parameters, the same generator
/// state gives the same image, and settings that change nothing leave the image as it was.
@Suite struct GeometricTransformTests {
    /// A 1 × 28 × 28 image without symmetry: a ramp plus a block.
    static let image = Tensor<Float>(shape: [1, 28, 28], scalars: (0..<784).map { (i: Int) -> Float in
        let (row, column) = (i / 28, i % 28)
        let block: Float = (6..<12).contains(row) && (9..<20).contains(column) ? 0.5 : 0
        return Float(column) / 56 + block
    })

    static let transforms: [(String, any ImageTransform)] = [
        ("RandomAffine", RandomAffine(degrees: -30...30, translate: (0.1, 0.2), scale: 0.8...1.2, shear: -10...10, shearY: -5...5)),
        ("RandomRotation", RandomRotation(degrees: -45...45, interpolation: .bilinear)),
        ("RandomCrop", RandomCrop(size: [28], padding: [4])),
        ("RandomResizedCrop", RandomResizedCrop(size: [28], scale: 0.5...1)),
        ("ElasticTransform", ElasticTransform(alpha: 30, sigma: 3)),
    ]

    @Test(arguments: transforms.map(\.0))
    func theSameGeneratorStateGivesTheSameImageAndOtherStatesOthers(_ name: String) throws {
        let transform = Self.transforms.first { $0.0 == name }!.1
        var outputs: [[Float]] = []
        for index in 0..<12 {
            var first = Augmentation.generator(seed: 5, epoch: 1, index: index)
            var second = Augmentation.generator(seed: 5, epoch: 1, index: index)
            let output = try transform.apply(Self.image, using: &first)
            #expect(try transform.apply(Self.image, using: &second).scalars == output.scalars)
            #expect(output.shape == [1, 28, 28])
            outputs.append(output.scalars)
        }
        #expect(Set(outputs.map { $0.map(\.bitPattern) }).count >= 10, "\(name) gives nearly the same image for different samples")
    }

    @Test func randomAffineDrawsEachParameterUniformlyInItsRange() {
        let transform = RandomAffine(degrees: -30...20, translate: (0.1, 0.25), scale: 0.8...1.2, shear: -10...10, shearY: 2...5)
        var random = SeededGenerator(seed: 3)
        let draws = (0..<4000).map { _ in transform.parameters(height: 20, width: 30, using: &random) }
        #expect(draws.allSatisfy { (-30...20).contains($0.angle) && (0.8...1.2).contains($0.scale) })
        #expect(draws.allSatisfy { (-10...10).contains($0.shear.0) && (2...5).contains($0.shear.1) })
        // Shifts are whole pixels up to round(0.1 · 30) = 3 across and round(0.25 · 20) = 5 down.
        #expect(Set(draws.map(\.translate.0)) == Set((-3...3).map(Double.init)))
        #expect(Set(draws.map(\.translate.1)) == Set((-5...5).map(Double.init)))
        let meanAngle = draws.map(\.angle).reduce(0, +) / Double(draws.count)
        #expect(abs(meanAngle - -5) < 1, "mean angle \(meanAngle)")
        let meanScale = draws.map(\.scale).reduce(0, +) / Double(draws.count)
        #expect(abs(meanScale - 1) < 0.01, "mean scale \(meanScale)")
        // Without translate, scale and shear only the angle is drawn.
        var plain = SeededGenerator(seed: 3)
        let only = RandomAffine(degrees: -30...20).parameters(height: 20, width: 30, using: &plain)
        #expect(only.translate == (0, 0) && only.scale == 1 && only.shear == (0, 0))
        #expect(only.angle == draws[0].angle)
    }

    @Test func randomAffineAppliesTheParametersItDraws() throws {
        let transform = RandomAffine(degrees: -30...30, translate: (0.1, 0.1), scale: 0.9...1.1, shear: -8...8,
                                     interpolation: .bilinear, fill: 0.25)
        for seed in 0..<5 as Range<UInt64> {
            var random = SeededGenerator(seed: seed)
            var copy = random
            let drawn = transform.parameters(height: 28, width: 28, using: &copy)
            let expected = try affine(Self.image, angle: drawn.angle, translate: drawn.translate, scale: drawn.scale,
                                      shear: drawn.shear, interpolation: .bilinear, fill: 0.25)
            #expect(try transform.apply(Self.image, using: &random).scalars == expected.scalars)
        }
    }

    @Test func transformsThatChangeNothingReturnTheImage() throws {
        var random = SeededGenerator(seed: 1)
        for transform: any ImageTransform in [
            RandomAffine(degrees: 0...0), RandomAffine(degrees: 0...0, translate: (0, 0), scale: 1...1, shear: 0...0),
            RandomRotation(degrees: 0...0), RandomRotation(degrees: 360...360), RandomCrop(size: [28]), CenterCrop(size: [28]),
            Resize(size: [28]), RandomResizedCrop(size: [28], scale: 1...1, ratio: 1...1),
        ] {
            #expect(try transform.apply(Self.image, using: &random) == Self.image, "\(transform)")
        }
        // No displacement samples each pixel at its centre.
        let still = try ElasticTransform(alpha: 0, sigma: 3).apply(Self.image, using: &random)
        #expect(zip(still.scalars, Self.image.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
    }

    @Test func rotationsByQuarterTurnsMovePixelsExactly() throws {
        let wide = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try rotate(wide, angle: 90, expand: true) == Tensor(shape: [3, 2], scalars: [3, 6, 2, 5, 1, 4]))
        #expect(try rotate(wide, angle: -90, expand: true) == Tensor(shape: [3, 2], scalars: [4, 1, 5, 2, 6, 3]))
        #expect(try rotate(wide, angle: 180) == Tensor(shape: [2, 3], scalars: [6, 5, 4, 3, 2, 1]))
        let square = try rotate(Self.image, angle: 450)
        #expect(try rotate(square, angle: 270) == Self.image)
    }

    @Test func randomCropPlacesTheCropAnywhereInThePaddedImage() throws {
        let transform = RandomCrop(size: [28], padding: [4, 2])
        var random = SeededGenerator(seed: 8)
        let corners = try (0..<2000).map { _ in try transform.corner(height: 28, width: 28, using: &random) }
        #expect(Set(corners.map(\.left)) == Set(-4...4))
        #expect(Set(corners.map(\.top)) == Set(-2...2))
        // The crop is the padded image's window at that corner.
        var generator = SeededGenerator(seed: 9)
        var copy = generator
        let corner = try transform.corner(height: 28, width: 28, using: &copy)
        let expected = try crop(pad(Self.image, padding: [4, 2], fill: 0), top: corner.top + 2, left: corner.left + 4, height: 28, width: 28)
        #expect(try transform.apply(Self.image, using: &generator) == expected)
        // padIfNeeded pads a too-small image on both sides by the shortfall.
        let needy = RandomCrop(size: [32, 30], padIfNeeded: true)
        let placed = try (0..<500).map { _ in try needy.corner(height: 28, width: 28, using: &random) }
        #expect(Set(placed.map(\.top)) == Set(-4...0) && Set(placed.map(\.left)) == Set(-2...0))
        #expect(throws: LoaderError.self) { try RandomCrop(size: [32]).apply(Self.image, using: &random) }
    }

    /// With a padding mode the crop is the window of the image padded in that mode (whose pixels
    /// the parity fixture checks), and padding the mode cannot make is refused with the sizes.
    @Test func randomCropPadsInItsMode() throws {
        for mode in PaddingMode.allCases {
            let transform = RandomCrop(size: [28], padding: [4, 2], mode: mode)
            var generator = SeededGenerator(seed: 10)
            var copy = generator
            let corner = try transform.corner(height: 28, width: 28, using: &copy)
            let padded = try pad(Self.image, padding: [4, 2], mode: mode)
            #expect(try transform.apply(Self.image, using: &generator) == crop(padded, top: corner.top + 2, left: corner.left + 4, height: 28, width: 28), "\(mode)")
        }
        var random = SeededGenerator(seed: 1)
        let small = Tensor(shape: [1, 3, 5], scalars: (0..<15).map(Float.init))
        #expect(try pad(small, padding: [4, 2], mode: .reflect).shape == [1, 7, 13])
        #expect(try pad(small, padding: [5, 3], mode: .symmetric).shape == [1, 9, 15])
        let tooMuch = try #require(throws: LoaderError.self) { try pad(small, padding: [0, 3], mode: .reflect) }
        #expect(tooMuch.code == .mismatch && tooMuch.message.contains("at most 2 pixels to a height of 3"), "\(tooMuch)")
        #expect(throws: LoaderError.self) { try pad(small, padding: [6, 0], mode: .symmetric) }
        #expect(throws: LoaderError.self) { try RandomCrop(size: [3, 12], padding: [5, 0], mode: .reflect).apply(small, using: &random) }
        #expect(throws: LoaderError.self) { try pad(Tensor(shape: [1, 0, 5], scalars: []), padding: [0, 1], mode: .edge) }
        #expect(try pad(small, padding: [9, 7], mode: .edge).shape == [1, 17, 23])
    }

    @Test func randomResizedCropDrawsRegionsOfTheGivenAreaAndRatio() {
        let transform = RandomResizedCrop(size: [28], scale: 0.3...0.7, ratio: 0.5...2)
        var random = SeededGenerator(seed: 4)
        let regions = (0..<2000).map { _ in transform.region(height: 40, width: 60, using: &random) }
        for region in regions {
            #expect(region.top >= 0 && region.left >= 0 && region.top + region.height <= 40 && region.left + region.width <= 60)
            // Within the ranges up to the rounding of width and height to whole pixels.
            let area = Double(region.height * region.width) / 2400
            #expect(area > 0.3 - 0.05 && area < 0.7 + 0.05, "\(region)")
            let ratio = Double(region.width) / Double(region.height)
            #expect(ratio > 0.5 * 0.9 && ratio < 2 * 1.1, "\(region)")
        }
        #expect(Set(regions.map(\.top)).count > 10 && Set(regions.map(\.left)).count > 10)
        // When no draw fits, the central crop of the largest allowed ratio.
        let impossible = RandomResizedCrop(size: [28], scale: 3...4, ratio: 0.5...0.8)
        let fallback = impossible.region(height: 40, width: 60, using: &random)
        #expect(fallback == (0, 14, 40, 32))   // width round(40 · 0.8) = 32, centred
    }

    @Test func elasticDisplacementGrowsWithAlphaAndStaysSmooth() throws {
        func displacement(alpha: Double, sigma: Double) throws -> [Float] {
            var random = SeededGenerator(seed: 12)
            let noiseX = (0..<784).map { _ in Float(random.unitDouble()) * 2 - 1 }
            let noiseY = (0..<784).map { _ in Float(random.unitDouble()) * 2 - 1 }
            return try ElasticTransform(alpha: alpha, sigma: sigma).displacement(noiseX: noiseX, noiseY: noiseY, height: 28, width: 28).scalars
        }
        let (weak, strong) = (try displacement(alpha: 10, sigma: 4), try displacement(alpha: 40, sigma: 4))
        #expect(zip(weak, strong).allSatisfy { abs($0 * 4 - $1) < 1e-5 })
        // Blurring averages the noise away: neighbours move alike.
        let rough = try displacement(alpha: 10, sigma: 0)
        func neighbourGap(_ field: [Float]) -> Float {
            (0..<783).map { abs(field[2 * ($0 + 1)] - field[2 * $0]) }.reduce(0, +) / Float(rough.count)
        }
        #expect(neighbourGap(weak) * 5 < neighbourGap(rough))
        var random = SeededGenerator(seed: 1)
        #expect(throws: LoaderError.self) { try ElasticTransform(sigma: 5).apply(Tensor(shape: [1, 10, 10], repeating: 0), using: &random) }
    }

    @Test func imagesKeepTheirRankAndOtherRanksThrow() throws {
        let plain = Tensor<Float>(shape: [28, 28], scalars: Self.image.scalars)
        var random = SeededGenerator(seed: 2)
        for (name, transform) in Self.transforms {
            #expect(try transform.apply(plain, using: &random).shape == [28, 28], "\(name)")
            #expect(throws: LoaderError.self, "\(name)") { try transform.apply(Tensor(shape: [784], scalars: Self.image.scalars), using: &random) }
        }
        let colour = Tensor<Float>(shape: [3, 13, 17], repeating: 0.5)
        #expect(try resize(colour, size: [6]).shape == [3, 6, 7])   // the smaller edge 13 → 6, 17 → int(6 · 17 / 13) = 7
        #expect(try rotate(colour, angle: 30, expand: true).shape[0] == 3)
    }

    @Test func geometricAugmentationIsTheSameForAnyWorkerCount() throws {
        struct Digits: Dataset {
            let count = 24
            func sample(at index: Int) throws -> Example {
                Example(features: GeometricTransformTests.image, label: index % 10)
            }
        }
        let augmentation = Augmentation(Self.transforms.map(\.1))
        func epoch(workers: Int) throws -> [[Float]] {
            let loader = DataLoader(Digits().augmented(by: augmentation, seed: 3), batchSize: 5, shuffle: true, workers: workers, seed: 1)
            return try collect(loader.epoch(2)).map(\.features.scalars)
        }
        let reference = try epoch(workers: 0)
        #expect(try epoch(workers: 2) == reference)
        #expect(try epoch(workers: 3) == reference)
    }
}
