extension AugmentationSpec {
    /// The transforms a spec may name, one row each: name, summary, parameters with defaults, and
    /// how the transform is made from them.
    public static let entries: [Entry] = [
        Entry("hflip", "RandomHorizontalFlip: mirror left to right", parameters: [
            Parameter("p", .number(0.5), "probability"),
        ]) { arguments throws(AugmentationSpecError) in
            RandomHorizontalFlip(probability: try arguments.number("p", within: 0...1))
        },
        Entry("vflip", "RandomVerticalFlip: mirror top to bottom", parameters: [
            Parameter("p", .number(0.5), "probability"),
        ]) { arguments throws(AugmentationSpecError) in
            RandomVerticalFlip(probability: try arguments.number("p", within: 0...1))
        },
        Entry("erasing", "RandomErasing: set a random rectangle to a value", parameters: [
            Parameter("p", .number(0.5), "probability"),
            Parameter("scale", .numbers([0.02, 0.33]), "range of the erased fraction of the area"),
            Parameter("ratio", .numbers([0.3, 3.3]), "range of the rectangle's aspect ratio (log-uniform)"),
            Parameter("value", .number(0), "the value, one per channel a:b:c, or random (normal noise)"),
        ]) { arguments throws(AugmentationSpecError) in
            let value: RandomErasing.Value
            switch arguments.value("value") {
            case .word("random"): value = .random
            case .numbers(let numbers) where numbers.count == 1: value = .constant(Float(numbers[0]))
            case .numbers(let numbers): value = .perChannel(numbers.map { Float($0) })
            case .word(let word): throw arguments.error(.badValue, "value", "must be a number, numbers a:b:c or random, got \(word)")
            }
            return RandomErasing(probability: try arguments.number("p", within: 0...1), scale: try arguments.range("scale", within: 0...1),
                                 ratio: try arguments.range("ratio", within: .leastNonzeroMagnitude...1e6), value: value)
        },
        Entry("blur", "GaussianBlur: Gaussian kernel of a random sigma", parameters: [
            Parameter("kernel", .number(3), "kernel size, odd: one for both axes, or width:height"),
            Parameter("sigma", .numbers([0.1, 2]), "range of the standard deviation"),
        ]) { arguments throws(AugmentationSpecError) in
            let sizes = try arguments.numbers("kernel", within: 1...1023, integer: true)
            guard sizes.count <= 2, sizes.allSatisfy({ Int($0) % 2 == 1 }) else {
                throw arguments.error(.outOfRange, "kernel", "must be one odd size or width:height, both odd, got \(arguments.value("kernel"))")
            }
            return GaussianBlur(kernelSize: (Int(sizes[0]), Int(sizes[sizes.count - 1])),
                                sigma: try arguments.range("sigma", within: .leastNonzeroMagnitude...1e6))
        },
        Entry("jitter", "ColorJitter: random brightness and contrast factors, in random order", parameters: [
            Parameter("brightness", .number(0), "b: factors in max(0, 1-b)...1+b; or a range a:b"),
            Parameter("contrast", .number(0), "c: factors in max(0, 1-c)...1+c; or a range a:b"),
        ]) { arguments throws(AugmentationSpecError) in
            // torchvision's _check_input: one number is the distance from 1, a pair the range.
            func factors(_ name: String) throws(AugmentationSpecError) -> ClosedRange<Double> {
                let range = try arguments.range(name, within: 0...1e6)
                guard case .numbers(let numbers) = arguments.value(name), numbers.count == 1 else { return range }
                return max(0, 1 - numbers[0])...(1 + numbers[0])
            }
            return ColorJitter(brightness: try factors("brightness"), contrast: try factors("contrast"))
        },
        Entry("noise", "GaussianNoise: add mean + sigma · N(0, 1) to every pixel", parameters: [
            Parameter("mean", .number(0), "the noise's mean"),
            Parameter("sigma", .number(0.1), "the noise's standard deviation"),
            Parameter("clip", .word("true"), "clamp the result to [0, 1]: true or false"),
        ]) { arguments throws(AugmentationSpecError) in
            GaussianNoise(mean: Float(try arguments.number("mean", within: -1e6...1e6)),
                          sigma: Float(try arguments.number("sigma", within: 0...1e6)), clip: try arguments.flag("clip"))
        },
        Entry("normalize", "Normalize: (x - mean) / std per channel", parameters: [
            Parameter("mean", nil, "the mean, or one per channel a:b:c"),
            Parameter("std", nil, "the standard deviation, or one per channel a:b:c"),
        ]) { arguments throws(AugmentationSpecError) in
            let std = try arguments.numbers("std", within: -1e6...1e6)
            guard !std.contains(0) else { throw arguments.error(.outOfRange, "std", "must not be 0") }
            return Normalize(mean: try arguments.numbers("mean", within: -1e6...1e6).map { Float($0) }, std: std.map { Float($0) })
        },
    ]
}
