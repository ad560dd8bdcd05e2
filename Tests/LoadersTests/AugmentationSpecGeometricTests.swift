import Testing
@testable import Loaders

/// The geometric names of the spec language make the transforms they stand for: the same output
/// as the transform made directly, from the same generator, on a real MNIST image.
@Suite struct AugmentationSpecGeometricTests {
    private func sameOutput(_ spec: String, _ direct: any ImageTransform) throws -> Bool {
        let image = try MNIST(directory: "Fixtures/mnist", split: .test).sample(at: 0).features
        var (first, second) = (SeededGenerator(seed: 5), SeededGenerator(seed: 5))
        return try Augmentation(spec: spec).apply(image, using: &first).scalars == direct.apply(image, using: &second).scalars
    }

    @Test func geometricNamesMakeTheirTransforms() throws {
        #expect(try sameOutput("affine(degrees=10,translate=0.1,scale=0.9:1.1)",
                               RandomAffine(degrees: -10...10, translate: (0.1, 0.1), scale: 0.9...1.1)))
        #expect(try sameOutput("affine(degrees=-5:15,shear=2:4:-3:1,interpolation=bilinear,fill=0.5)",
                               RandomAffine(degrees: -5...15, shear: 2...4, shearY: -3...1, interpolation: .bilinear, fill: 0.5)))
        #expect(try sameOutput("rotate(degrees=30,interpolation=bilinear)", RandomRotation(degrees: -30...30, interpolation: .bilinear)))
        #expect(try sameOutput("crop(size=28,padding=4)", RandomCrop(size: [28], padding: [4])))
        #expect(try sameOutput("crop(size=28,padding=4,mode=reflect)", RandomCrop(size: [28], padding: [4], mode: .reflect)))
        #expect(try sameOutput("centercrop(size=20:24)", CenterCrop(size: [20, 24])))
        #expect(try sameOutput("resize(size=14)", Resize(size: [14])))
        #expect(try sameOutput("resizedcrop(size=28,scale=0.6:1)", RandomResizedCrop(size: [28], scale: 0.6...1)))
        #expect(try sameOutput("elastic(alpha=30,sigma=4)", ElasticTransform(alpha: 30, sigma: 4)))
        // A spec that differs gives a different image: the comparison can fail.
        #expect(try !sameOutput("affine(degrees=10)", RandomAffine(degrees: -20...20)))
    }

    /// `shift(pixels=2:3)` moves every pixel by the same whole distance, 2 or 3 along each axis,
    /// either way, and the uncovered pixels are 0; over many draws every such shift occurs.
    @Test func shiftMovesTheImageByWholePixelsInTheRange() throws {
        let image = try MNIST(directory: "Fixtures/mnist", split: .test).sample(at: 0).features
        let shift = try Augmentation(spec: "shift(pixels=2:3)")
        var seen = Set<[Int]>()
        for seed in 0..<200 {
            var random = SeededGenerator(seed: UInt64(seed))
            let moved = try shift.apply(image, using: &random).scalars
            let matches = [-3, -2, 2, 3].flatMap { dx in [-3, -2, 2, 3].map { dy in [dx, dy] } }.filter { offset in
                (0..<28).allSatisfy { y in
                    (0..<28).allSatisfy { x in
                        let (sx, sy) = (x - offset[0], y - offset[1])
                        let expected = (0..<28).contains(sx) && (0..<28).contains(sy) ? image.scalars[sy * 28 + sx] : 0
                        return moved[y * 28 + x] == expected
                    }
                }
            }
            #expect(matches.count == 1, "seed \(seed)")
            seen.formUnion(matches)
        }
        #expect(seen.count == 16)
    }

    @Test(arguments: [
        ("affine(shear=1:2:3)", "affine shear takes 1 or 2 or 4 numbers, got 1:2:3"),
        ("rotate(interpolation=nearest)", "rotate needs degrees=… (d: angles in -d...d, or a range a:b)"),
        ("affine(translate=1.5)", "affine translate must be a number in 0.0...1.0, got 1.5"),
        ("crop(size=28,padding=1:2:3)", "crop padding takes 1 or 2 or 4 numbers, got 1:2:3"),
        ("resize(size=0)", "resize size must be a whole number in 1.0...65536.0, got 0.0"),
        ("affine(degrees=10:5)", "affine degrees must be a range a:b with a <= b, got 10:5"),
        ("affine(interpolation=cubic)", "affine interpolation must be nearest or bilinear, got cubic"),
    ])
    func aBadGeometricSpecSaysWhatIsWrong(spec: String, message: String) throws {
        let error = try #require(throws: AugmentationSpecError.self) { try Augmentation(spec: spec) }
        #expect(error.message == message, "\(error)")
    }
}
