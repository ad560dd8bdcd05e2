import Foundation
import Testing
@testable import Loaders

/// The random pixel transforms: their draws follow torchvision's distributions and order (checked
/// by statistics and by replaying the draws on a copy of the generator), they are the identity
/// where torchvision's are, and the same generator state gives the same output.
@Suite struct PixelTransformTests {
    /// A [1, 28, 28] image of `value` everywhere but a brighter diagonal, so that nothing is uniform.
    static func image(_ value: Float = 0.5) -> Tensor<Float> {
        Tensor(shape: [1, 28, 28], scalars: (0..<784).map { $0 % 29 == 0 ? 0.9 : value })
    }

    static func generators(_ count: Int) -> [SeededGenerator] {
        (0..<count).map { Augmentation.generator(seed: 11, epoch: 1, index: $0) }
    }

    // MARK: RandomErasing

    @Test func erasingWithProbabilityZeroIsTheIdentity() throws {
        for var random in Self.generators(200) {
            #expect(try RandomErasing(probability: 0).apply(Self.image(), using: &random) == Self.image())
        }
    }

    /// With p = 1 each output differs from the input in one rectangle set to the value, its area a
    /// fraction in `scale` (up to rounding of the sides) and its aspect ratio in `ratio`.
    @Test func erasingSetsOneRectangleOfTheDrawnSize() throws {
        let erasing = RandomErasing(probability: 1, scale: 0.1...0.3, ratio: 0.5...2, value: .constant(-1))
        var areas: [Double] = []
        for var random in Self.generators(300) {
            let output = try erasing.apply(Self.image(), using: &random)
            let erased = output.scalars.indices.filter { output.scalars[$0] == -1 }
            #expect(erased.count + output.scalars.filter { $0 != -1 }.count == 784)
            #expect(zip(output.scalars, Self.image().scalars).allSatisfy { $0 == -1 || $0 == $1 })
            let rows = Set(erased.map { $0 / 28 }), columns = Set(erased.map { $0 % 28 })
            #expect(rows.count * columns.count == erased.count, "not a rectangle")
            #expect(rows.max()! - rows.min()! + 1 == rows.count && columns.max()! - columns.min()! + 1 == columns.count)
            let (height, width) = (Double(rows.count), Double(columns.count))
            #expect(height / (width + 0.5) < 2 * 1.6 && (height + 0.5) / width > 0.5 / 1.6)
            areas.append(height * width / 784)
        }
        #expect(areas.allSatisfy { $0 > 0.1 * 0.7 && $0 < 0.3 * 1.3 })
        #expect(areas.min()! < 0.13 && areas.max()! > 0.26, "areas should spread over the scale range")
    }

    @Test func erasingHappensWithItsProbability() throws {
        var erased = 0
        for var random in Self.generators(4000) {
            if try RandomErasing(probability: 0.25).apply(Self.image(), using: &random) != Self.image() { erased += 1 }
        }
        // 4000 draws: a standard deviation of 27 around 1000.
        #expect(abs(erased - 1000) < 110, "\(erased) of 4000 erased")
    }

    /// When no attempt fits (the whole image, square), torchvision leaves the image as it is.
    @Test func erasingThatNeverFitsLeavesTheImage() throws {
        for var random in Self.generators(50) {
            #expect(try RandomErasing(probability: 1, scale: 1...1, ratio: 1...1).apply(Self.image(), using: &random) == Self.image())
        }
    }

    @Test func randomErasingValuesAreStandardNormal() throws {
        var values: [Double] = []
        for var random in Self.generators(300) {
            let output = try RandomErasing(probability: 1, scale: 0.2...0.3, value: .random).apply(Self.image(2), using: &random)
            values += output.scalars.filter { $0 != 2 && $0 != 0.9 }.map(Double.init)
        }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)
        #expect(values.count > 10_000 && abs(mean) < 0.05 && abs(variance - 1) < 0.05, "mean \(mean), variance \(variance)")
    }

    @Test func perChannelErasingValuesFillEachChannel() throws {
        let image = Tensor<Float>(shape: [3, 10, 12], repeating: 0.5)
        var random = SeededGenerator(seed: 3)
        let output = try RandomErasing(probability: 1, value: .perChannel([0.1, 0.2, 0.3])).apply(image, using: &random)
        for channel in 0..<3 {
            let plane = output.scalars[(channel * 120)..<((channel + 1) * 120)]
            #expect(Set(plane).isSubset(of: [0.5, Float(channel + 1) / 10]) && plane.contains(Float(channel + 1) / 10))
        }
        #expect(throws: LoaderError.self) { try RandomErasing(probability: 1, value: .perChannel([0.1, 0.2])).apply(image, using: &random) }
    }

    // MARK: GaussianBlur

    /// The sigma is one uniform draw, used for both axes.
    @Test func blurDrawsOneSigmaFromItsRange() throws {
        let blur = GaussianBlur(kernelSize: (5, 3), sigma: 0.5...1.5)
        for var random in Self.generators(20) {
            var replay = random
            let sigma = replay.uniform(0.5...1.5)
            #expect(try blur.apply(Self.image(), using: &random) == gaussianBlur(Self.image(), kernelSize: (5, 3), sigma: (sigma, sigma)))
            #expect(random.next() == replay.next())
        }
    }

    @Test func blurKeepsAConstantImage() throws {
        let output = try gaussianBlur(Tensor(shape: [2, 5, 6], repeating: 0.25), kernelSize: (5, 3), sigma: (2, 0.7))
        #expect(output.scalars.allSatisfy { abs($0 - 0.25) < 1e-6 })
    }

    @Test func blurNeedsAnImageLargerThanItsReach() {
        #expect(throws: LoaderError.self) { try gaussianBlur(Tensor(shape: [1, 2, 9], repeating: 0), kernelSize: 5, sigma: 1) }
        #expect(throws: LoaderError.self) { try gaussianBlur(Tensor(shape: [9], repeating: 0), kernelSize: 3, sigma: 1) }
    }

    // MARK: ColorJitter

    /// Brightness alone scales the image by a factor uniform in max(0, 1 - b)...1 + b.
    @Test func jitterBrightnessFactorsCoverTheirRange() throws {
        var factors: [Float] = []
        for var random in Self.generators(500) {
            factors.append(try ColorJitter(brightness: 0.2).apply(Self.image(0.5), using: &random).scalars[1] / 0.5)
        }
        #expect(factors.allSatisfy { $0 >= 0.8 - 1e-6 && $0 <= 1.2 + 1e-6 })
        #expect(factors.min()! < 0.82 && factors.max()! > 1.18)
    }

    /// The order is a permutation drawn first, then the brightness factor, then the contrast factor;
    /// both orders occur.
    @Test func jitterDrawsTheOrderThenEachFactor() throws {
        let jitter = ColorJitter(brightness: 0.4, contrast: 0.4)
        var orders: Set<[Int]> = []
        for var random in Self.generators(100) {
            var replay = random
            let order = replay.permutation(of: 2)
            let (brightness, contrast) = (replay.uniform(0.6...1.4), replay.uniform(0.6...1.4))
            var expected = Self.image()
            for step in order {
                expected = step == 0 ? try adjustBrightness(expected, factor: brightness) : try adjustContrast(expected, factor: contrast)
            }
            #expect(try jitter.apply(Self.image(), using: &random) == expected)
            orders.insert(order)
        }
        #expect(orders == [[0, 1], [1, 0]])
    }

    @Test func jitterOfNothingIsTheIdentity() throws {
        for var random in Self.generators(20) {
            #expect(try ColorJitter().apply(Self.image(), using: &random) == Self.image())
        }
        #expect(ColorJitter(brightness: 1...1, contrast: 0.5...2).brightness == nil)
    }

    @Test func colorAdjustmentsTakeOneOrThreeChannels() {
        #expect(throws: LoaderError.self) { try adjustContrast(Tensor(shape: [2, 4, 4], repeating: 0.5), factor: 2) }
        #expect(throws: LoaderError.self) { try adjustBrightness(Tensor(shape: [4, 4, 4], repeating: 0.5), factor: 2) }
    }

    // MARK: GaussianNoise

    @Test func noiseHasItsMeanAndSigma() throws {
        var random = SeededGenerator(seed: 5)
        let image = Tensor<Float>(shape: [1, 100, 100], repeating: 0.5)
        let noise = try GaussianNoise(mean: 0.1, sigma: 0.2, clip: false).apply(image, using: &random).scalars.map { Double($0) - 0.5 }
        let mean = noise.reduce(0, +) / Double(noise.count)
        let variance = noise.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(noise.count)
        #expect(abs(mean - 0.1) < 0.01 && abs(variance.squareRoot() - 0.2) < 0.01, "mean \(mean), sigma \(variance.squareRoot())")
    }

    @Test func clippedNoiseStaysInTheUnitInterval() throws {
        var random = SeededGenerator(seed: 6)
        let output = try GaussianNoise(sigma: 0.5).apply(Self.image(), using: &random)
        #expect(output.scalars.allSatisfy { (0...1).contains($0) })
        #expect(output.scalars.contains(0) && output.scalars.contains(1))
    }

    /// Each element takes one `nextNormal` draw, in row-major order.
    @Test func noiseDrawsOneNormalPerElement() throws {
        var random = SeededGenerator(seed: 8), replay = random
        let output = try GaussianNoise(mean: 0.25, sigma: 0.3, clip: false).apply(Self.image(), using: &random)
        #expect(output.scalars == Self.image().scalars.map { $0 + replay.nextNormal(mean: 0.25, standardDeviation: 0.3) })
        #expect(random.next() == replay.next())
    }

    // MARK: Normalize

    @Test func normalizeIsPerChannel() throws {
        let image = Tensor<Float>(shape: [3, 1, 2], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try normalize(image, mean: [1, 2, 3], std: [1, 2, 4]).scalars == [0, 1, 0.5, 1, 0.5, 0.75])
        #expect(throws: LoaderError.self) { try normalize(image, mean: [1, 2], std: [1]) }
    }

    // MARK: Every random transform

    static let transforms: [any ImageTransform] = [
        RandomErasing(probability: 0.7, value: .random), GaussianBlur(kernelSize: 3), ColorJitter(brightness: 0.3, contrast: 0.3),
        GaussianNoise(sigma: 0.1),
    ]

    /// The same generator state gives the same output; another sample's generator another one.
    @Test(arguments: 0..<4)
    func theSameGeneratorGivesTheSameOutput(transform: Int) throws {
        let transform = Self.transforms[transform]
        var outputs: [[Float]] = []
        for index in 0..<8 {
            var first = Augmentation.generator(seed: 2, epoch: 3, index: index), second = first
            let output = try transform.apply(Self.image(), using: &first)
            #expect(try transform.apply(Self.image(), using: &second) == output)
            outputs.append(output.scalars)
        }
        #expect(Set(outputs.map { $0.map(\.bitPattern) }).count > 4, "\(type(of: transform)) hardly varies")
    }

    /// Transforms keep the rank they are given and refuse a tensor that is not an image.
    @Test(arguments: 0..<4)
    func transformsKeepTheRank(transform: Int) throws {
        let transform = Self.transforms[transform]
        var random = SeededGenerator(seed: 4)
        #expect(try transform.apply(Self.image().reshaped(to: [28, 28]), using: &random).shape == [28, 28])
        if !(transform is GaussianNoise) {
            #expect(throws: LoaderError.self) { try transform.apply(Tensor(shape: [784], repeating: 0.5), using: &random) }
        }
    }
}
