import Foundation
import Testing
@testable import Loaders

/// The pixel transforms with fixed parameters against torchvision.transforms.v2.functional, on
/// three MNIST test images and a synthetic [3, 7, 9] image: every pixel within 1e-4 of
/// Fixtures/augmentation/pixel.json (written by make_pixel.py with torchvision 0.29).
@Suite struct PixelParityTests {
    struct Fixture: Decodable {
        struct Image: Decodable {
            var shape: [Int]
            var pixels: [Float]
        }
        struct Case: Decodable {
            var function: String
            var arguments: [String: Argument]
            var outputs: [[Float]]
        }
        /// A number or a list of numbers, as torchvision takes them.
        struct Argument: Decodable {
            var values: [Double]
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                values = try (try? container.decode([Double].self)) ?? [container.decode(Double.self)]
            }
        }
        var torchvision: String
        var images: [Image]
        var cases: [Case]
    }

    static let fixture: Fixture = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/augmentation/pixel.json")
        return try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
    }()

    /// Our function of the same name, called with the case's arguments.
    static func ours(_ function: String, _ arguments: [String: Fixture.Argument], _ image: Tensor<Float>) throws -> Tensor<Float> {
        func argument(_ name: String) -> [Double] { arguments[name]!.values }
        switch function {
        case "erase":
            return try erase(image, top: Int(argument("i")[0]), left: Int(argument("j")[0]), height: Int(argument("h")[0]),
                             width: Int(argument("w")[0]), value: Float(argument("v")[0]))
        case "gaussian_blur":
            let (size, sigma) = (argument("kernel_size").map { Int($0) }, argument("sigma"))
            return try gaussianBlur(image, kernelSize: (size[0], size[1]), sigma: (sigma[0], sigma[1]))
        case "adjust_brightness": return try adjustBrightness(image, factor: argument("brightness_factor")[0])
        case "adjust_contrast": return try adjustContrast(image, factor: argument("contrast_factor")[0])
        case "normalize": return try normalize(image, mean: argument("mean").map { Float($0) }, std: argument("std").map { Float($0) })
        default: throw LoaderError(.unsupported, "no parity function \(function)")
        }
    }

    @Test func theFixtureCoversEveryFunctionOnEveryImage() {
        #expect(Set(Self.fixture.cases.map(\.function)) == ["erase", "gaussian_blur", "adjust_brightness", "adjust_contrast", "normalize"])
        #expect(Self.fixture.images.map(\.shape) == [[1, 28, 28], [1, 28, 28], [1, 28, 28], [3, 7, 9]])
        #expect(Self.fixture.cases.allSatisfy { $0.outputs.count == Self.fixture.images.count })
    }

    @Test(arguments: 0..<9)
    func matchesTorchvision(caseIndex: Int) throws {
        let parityCase = Self.fixture.cases[caseIndex]
        for (image, expected) in zip(Self.fixture.images, parityCase.outputs) {
            let output = try Self.ours(parityCase.function, parityCase.arguments, Tensor(shape: image.shape, scalars: image.pixels))
            #expect(output.shape == image.shape)
            let worst = zip(output.scalars, expected).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst <= 1e-4, "\(parityCase.function) \(parityCase.arguments.mapValues(\.values)) on \(image.shape): largest difference \(worst)")
        }
    }

    /// The cases change the images (a parity test of a no-op would prove nothing).
    @Test func everyCaseChangesEveryImage() {
        for parityCase in Self.fixture.cases {
            for (image, expected) in zip(Self.fixture.images, parityCase.outputs) {
                #expect(zip(image.pixels, expected).contains { abs($0 - $1) > 1e-3 }, "\(parityCase.function) \(parityCase.arguments.mapValues(\.values))")
            }
        }
    }

    /// A rank-2 image is one channel: the same pixels as its [1, H, W] form.
    @Test func aRankTwoImageIsOneChannel() throws {
        let image = Self.fixture.images[0]
        let flat = Tensor(shape: [28, 28], scalars: image.pixels)
        for parityCase in Self.fixture.cases {
            let output = try Self.ours(parityCase.function, parityCase.arguments, flat)
            #expect(output.shape == [28, 28])
            let channel = try Self.ours(parityCase.function, parityCase.arguments, Tensor(shape: image.shape, scalars: image.pixels))
            #expect(output.scalars == channel.scalars, "\(parityCase.function)")
        }
    }
}
