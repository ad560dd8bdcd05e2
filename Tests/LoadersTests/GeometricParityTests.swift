import Foundation
import Testing
@testable import Loaders

/// The geometric functions against torchvision.transforms.v2.functional on the same float images
/// with the same parameters: Fixtures/augmentation/geometric.json and .f32, written by
/// make_geometric.py. Every output pixel within 1e-4.
@Suite struct GeometricParityTests {
    /// An array in geometric.f32: where it starts (in floats) and its shape.
    struct Entry: Decodable, Sendable {
        let offset: Int
        let shape: [Int]
    }

    /// One case: the function, its parameters as torchvision took them, and its outputs.
    struct Case: Decodable, Sendable {
        let op: String
        let angle: Double?, scale: Double?, fill: Double?
        let translate: [Double]?, shear: [Double]?, center: [Double]?
        let interpolation: String?
        let expand: Bool?, antialias: Bool?
        let padding: [Int]?, mode: String?, top: Int?, left: Int?, height: Int?, width: Int?
        let size: [Int]?
        let outputs: [String: Entry]
        let displacements: [String: Entry]?
    }

    /// ElasticTransform's displacement from given noise.
    struct ElasticCase: Decodable, Sendable {
        let alpha: [Double], sigma: [Double]
        let noise_x: Entry, noise_y: Entry, displacement: Entry
    }

    struct Fixture: Decodable, Sendable {
        let images: [String: Entry]
        let cases: [String: Case]
        let elastic_displacements: [String: ElasticCase]
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/augmentation")
    static let fixture = try! JSONDecoder().decode(Fixture.self, from: Data(contentsOf: folder.appendingPathComponent("geometric.json")))
    static let floats: [Float] = {
        let bytes = try! Data(contentsOf: folder.appendingPathComponent("geometric.f32"))
        return bytes.withUnsafeBytes { raw in
            (0..<(bytes.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }()

    /// The array `entry` points to.
    static func tensor(_ entry: Entry) -> Tensor<Float> {
        Tensor(shape: entry.shape, scalars: Array(floats[entry.offset..<(entry.offset + Tensor<Float>.elementCount(of: entry.shape))]))
    }

    static let caseNames = fixture.cases.keys.sorted()

    @Test func theFixtureHoldsEveryCase() {
        #expect(Self.caseNames.count == 23)
        #expect(Set(Self.fixture.images.keys) == ["mnist0", "mnist7", "synthetic"])
        #expect(Self.floats.count == 87_901)
    }

    @Test(arguments: caseNames)
    func matchesTorchvision(_ name: String) throws {
        let parameters = try #require(Self.fixture.cases[name])
        for (imageName, entry) in Self.fixture.images.sorted(by: { $0.key < $1.key }) {
            let expected = Self.tensor(try #require(parameters.outputs[imageName]))
            let displacement = parameters.displacements.map { Self.tensor($0[imageName]!) }
            let actual = try Self.run(parameters, on: Self.tensor(entry), displacement: displacement)
            #expect(actual.shape == expected.shape, "\(name) on \(imageName)")
            guard actual.shape == expected.shape else { continue }
            let worst = zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-4, "\(name) on \(imageName): largest difference \(worst)")
        }
    }

    /// The case's function called with its parameters as torchvision was.
    static func run(_ p: Case, on image: Tensor<Float>, displacement: Tensor<Float>?) throws -> Tensor<Float> {
        func pair(_ values: [Double]?) -> (Double, Double)? { values.map { ($0[0], $0[1]) } }
        let interpolation = p.interpolation.map { Interpolation(rawValue: $0)! } ?? .nearest
        let fill = p.fill.map(Float.init)
        switch p.op {
        case "affine":
            return try affine(image, angle: p.angle!, translate: pair(p.translate)!, scale: p.scale!, shear: pair(p.shear)!,
                              interpolation: interpolation, fill: fill, center: pair(p.center))
        case "rotate":
            return try rotate(image, angle: p.angle!, interpolation: interpolation, expand: p.expand ?? false, fill: fill)
        case "pad_crop":
            let padded = try pad(image, padding: p.padding!, fill: fill!)
            return try crop(padded, top: p.top!, left: p.left!, height: p.height!, width: p.width!)
        case "pad":
            return try pad(image, padding: p.padding!, mode: PaddingMode(rawValue: p.mode!)!)
        case "crop":
            return try crop(image, top: p.top!, left: p.left!, height: p.height!, width: p.width!)
        case "center_crop":
            return try centerCrop(image, size: p.size!)
        case "resize":
            return try resize(image, size: p.size!, interpolation: interpolation, antialias: p.antialias ?? true)
        case "resized_crop":
            return try resizedCrop(image, top: p.top!, left: p.left!, height: p.height!, width: p.width!, size: p.size!,
                                   interpolation: interpolation)
        case "elastic":
            return try elastic(image, displacement: displacement!, interpolation: interpolation, fill: fill)
        default:
            Issue.record("unknown case \(p.op)")
            return image
        }
    }

    /// ElasticTransform's blur and scaling of given noise equals torchvision's make_params.
    @Test func elasticDisplacementFromNoiseMatchesTorchvision() throws {
        let cases = Self.fixture.elastic_displacements
        #expect(cases.count == 2)
        for (name, entry) in cases {
            let transform = ElasticTransform(alpha: (entry.alpha[0], entry.alpha[1]), sigma: (entry.sigma[0], entry.sigma[1]))
            let field = try transform.displacement(noiseX: Self.tensor(entry.noise_x).scalars,
                                                   noiseY: Self.tensor(entry.noise_y).scalars, height: 28, width: 28)
            let expected = Self.tensor(entry.displacement)
            #expect(field.shape == expected.shape)
            let worst = zip(field.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-6, "\(name): largest difference \(worst)")
        }
    }
}
