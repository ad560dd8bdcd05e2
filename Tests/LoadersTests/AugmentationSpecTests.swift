import Testing
@testable import Loaders

/// The augmentation spec language: names and parameters make the transforms they describe, and a
/// bad spec is an error naming what is wrong and where.
@Suite struct AugmentationSpecTests {
    static let image = Tensor<Float>(shape: [1, 28, 28], scalars: (0..<784).map { Float($0 % 17) / 16 })

    /// The output of `transform` on sample `index`'s generator.
    static func output(_ transform: any ImageTransform, index: Int) throws -> Tensor<Float> {
        var random = Augmentation.generator(seed: 21, epoch: 2, index: index)
        return try transform.apply(image, using: &random)
    }

    /// Each spec makes the same augmentation as the transforms written out: the same outputs for
    /// the same generators.
    @Test(arguments: [
        ("hflip,erasing(p=0.25)", Augmentation([RandomHorizontalFlip(), RandomErasing(probability: 0.25)])),
        ("blur(kernel=3,sigma=0.1:2),jitter(brightness=0.2,contrast=0.2),noise(sigma=0.05),normalize(mean=0.1307,std=0.3081)",
         Augmentation([GaussianBlur(kernelSize: 3, sigma: 0.1...2), ColorJitter(brightness: 0.2, contrast: 0.2), GaussianNoise(sigma: 0.05),
                       Normalize(mean: [0.1307], std: [0.3081])])),
        (" vflip ( p = 0.7 ) , erasing(p=1, scale=0.1:0.2, ratio=0.5:2, value=random)",
         Augmentation([RandomVerticalFlip(probability: 0.7), RandomErasing(probability: 1, scale: 0.1...0.2, ratio: 0.5...2, value: .random)])),
        ("erasing(value=0.6,p=1,scale=0.05:0.1),blur(kernel=5:3,sigma=0.7)",
         Augmentation([RandomErasing(probability: 1, scale: 0.05...0.1, value: .constant(0.6)), GaussianBlur(kernelSize: (5, 3), sigma: 0.7...0.7)])),
        ("jitter(brightness=0.5:1.5),noise(mean=0.1,sigma=0.2,clip=false)",
         Augmentation([ColorJitter(brightness: 0.5...1.5, contrast: nil), GaussianNoise(mean: 0.1, sigma: 0.2, clip: false)])),
    ])
    func aSpecMakesTheTransformsItNames(spec: String, expected: Augmentation) throws {
        let parsed = try Augmentation(spec: spec)
        #expect(parsed.transforms.map { "\(type(of: $0))" } == expected.transforms.map { "\(type(of: $0))" })
        var differ = false
        for index in 0..<12 {
            let output = try Self.output(parsed, index: index)
            #expect(output == (try Self.output(expected, index: index)), "sample \(index)")
            differ = differ || output != Self.image
        }
        #expect(differ)
    }

    @Test func defaultsAreTorchvisions() throws {
        let parsed = try AugmentationSpec.parse("erasing,blur,jitter,noise")
        let erasing = try #require(parsed.transforms[0] as? RandomErasing)
        #expect(erasing.probability == 0.5 && erasing.scale == 0.02...0.33 && erasing.ratio == 0.3...3.3 && erasing.value == .constant(0))
        let blur = try #require(parsed.transforms[1] as? GaussianBlur)
        #expect(blur.kernelSize == (3, 3) && blur.sigma == 0.1...2)
        let jitter = try #require(parsed.transforms[2] as? ColorJitter)
        #expect(jitter.brightness == nil && jitter.contrast == nil)
        let noise = try #require(parsed.transforms[3] as? GaussianNoise)
        #expect(noise.mean == 0 && noise.sigma == 0.1 && noise.clip)
        let perChannel = try #require(try AugmentationSpec.parse("erasing(value=0.2:0.4:0.6)").transforms[0] as? RandomErasing)
        #expect(perChannel.value == .perChannel([0.2, 0.4, 0.6]))
    }

    @Test func entriesHaveDistinctNamesAndParameters() {
        let names = AugmentationSpec.entries.map(\.name)
        #expect(Set(names).count == names.count)
        for entry in AugmentationSpec.entries {
            #expect(Set(entry.parameters.map(\.name)).count == entry.parameters.count, "\(entry.name)")
        }
    }

    @Test(arguments: [
        ("hflip,blurr", AugmentationSpecError.Kind.unknownTransform, 7, "unknown transform \"blurr\"; known: hflip, vflip, affine, rotate, crop, centercrop, resize, resizedcrop, elastic, shift, erasing, blur, jitter, noise, normalize"),
        ("blur(size=3)", .unknownParameter, 6, "blur has no parameter \"size\"; its parameters: kernel, sigma"),
        ("erasing(p=abc1)", .badValue, 11, "erasing p must be a number, numbers a:b or a word, got \"abc1\""),
        ("erasing(p=1.5)", .outOfRange, 11, "erasing p must be a number in 0.0...1.0, got 1.5"),
        ("erasing(p=0.5:1)", .badValue, 11, "erasing p must be a number, got 0.5:1"),
        ("blur(kernel=3", .unbalancedParentheses, 5, "the \"(\" is never closed"),
        ("hflip)", .unbalancedParentheses, 6, "a \")\" without its \"(\""),
        ("hflip(p=(1))", .unbalancedParentheses, 9, "a \"(\" inside the \"(\" at character 6"),
        ("blur(kernel=4)", .outOfRange, 13, "blur kernel must be one odd size or width:height, both odd, got 4"),
        ("blur(sigma=2:1)", .badValue, 12, "blur sigma must be a number or a range a:b with a <= b, got 2:1"),
        ("normalize(mean=0.1)", .missingParameter, 1, "normalize needs std=… (the standard deviation, or one per channel a:b:c)"),
        ("normalize(mean=0.1,std=0)", .outOfRange, 24, "normalize std must not be 0"),
        ("hflip(p=0.5,p=0.2)", .duplicateParameter, 13, "hflip p is given twice"),
        ("hflip,,vflip", .syntax, 7, "expected a transform name (one of hflip, vflip, affine, rotate, crop, centercrop, resize, resizedcrop, elastic, shift, erasing, blur, jitter, noise, normalize)"),
        ("", .syntax, 1, "expected a transform name (one of hflip, vflip, affine, rotate, crop, centercrop, resize, resizedcrop, elastic, shift, erasing, blur, jitter, noise, normalize)"),
        ("hflip(p)", .syntax, 7, "expected name=value in hflip(…) (parameters: p)"),
        ("hflip(p=0.5) vflip", .syntax, 14, "unexpected \"v\" after hflip(…); transforms are separated by \",\""),
        ("jitter(brightness=-1)", .outOfRange, 19, "jitter brightness must be a number in 0.0...1000000.0, got -1.0"),
        ("noise(clip=maybe)", .badValue, 12, "noise clip must be true or false, got maybe"),
        ("erasing(value=zero)", .badValue, 15, "erasing value must be a number, numbers a:b:c or random, got zero"),
        ("crop(size=28,mode=mirror)", .badValue, 19, "crop mode must be constant, edge, reflect or symmetric, got mirror"),
    ])
    func aBadSpecNamesThePartThatIsWrong(spec: String, kind: AugmentationSpecError.Kind, position: Int, message: String) {
        #expect(throws: AugmentationSpecError(kind, message, spec: spec, position: position)) { try AugmentationSpec.parse(spec) }
    }

    @Test func theErrorDescriptionQuotesTheSpecAndPosition() {
        let error = AugmentationSpecError(.unknownParameter, "blur has no parameter \"size\"", spec: "blur(size=3)", position: 6)
        #expect(error.description == "augmentation spec \"blur(size=3)\", character 6: blur has no parameter \"size\"")
    }
}
