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
        Entry("affine", "RandomAffine: random rotation, shift, scale and shear", parameters: [
            Parameter("degrees", .number(0), "d: angles in -d...d, or a range a:b"),
            Parameter("translate", .word("none"), "the largest shift as a fraction of the size: t for both axes, or x:y"),
            Parameter("scale", .word("none"), "range a:b of the scale factor"),
            Parameter("shear", .word("none"), "s: x shear in -s...s; a:b; or a:b:c:d for x in a...b and y in c...d"),
            Parameter("interpolation", .word("nearest"), "nearest or bilinear"),
            Parameter("fill", .number(0), "the value of pixels from outside the image"),
        ]) { arguments throws(AugmentationSpecError) in
            let shear = try arguments.optionalNumbers("shear", counts: [1, 2, 4])
            return RandomAffine(
                degrees: try arguments.symmetricRange("degrees"),
                translate: try arguments.optionalNumbers("translate", counts: [1, 2], within: 0...1).map { ($0[0], $0[$0.count - 1]) },
                scale: try arguments.optionalNumbers("scale", counts: [2], within: .leastNonzeroMagnitude...1e6).map { $0[0]...$0[1] },
                shear: try shear.map { numbers throws(AugmentationSpecError) in
                    numbers.count == 1 ? -abs(numbers[0])...abs(numbers[0]) : try arguments.ordered(numbers[0], numbers[1], "shear")
                },
                shearY: try shear.flatMap { numbers throws(AugmentationSpecError) in
                    numbers.count == 4 ? try arguments.ordered(numbers[2], numbers[3], "shear") : nil
                },
                interpolation: try arguments.interpolation(), fill: Float(try arguments.number("fill")))
        },
        Entry("rotate", "RandomRotation: rotate by a random angle", parameters: [
            Parameter("degrees", nil, "d: angles in -d...d, or a range a:b"),
            Parameter("interpolation", .word("nearest"), "nearest or bilinear"),
            Parameter("fill", .number(0), "the value of pixels from outside the image"),
        ]) { arguments throws(AugmentationSpecError) in
            RandomRotation(degrees: try arguments.symmetricRange("degrees"), interpolation: try arguments.interpolation(),
                           fill: Float(try arguments.number("fill")))
        },
        Entry("crop", "RandomCrop: pad, then cut a window of the size at a random place", parameters: [
            Parameter("size", nil, "side, or height:width"),
            Parameter("padding", .number(0), "pixels added first: one for every side, left-right:top-bottom, or left:top:right:bottom"),
            Parameter("fill", .number(0), "the value of the padding, with mode constant"),
            Parameter("mode", .word("constant"), "how the padding is made: constant, edge, reflect or symmetric"),
        ]) { arguments throws(AugmentationSpecError) in
            RandomCrop(size: try arguments.size("size"),
                       padding: try arguments.wholeNumbers("padding", counts: [1, 2, 4], within: 0...1e6),
                       fill: Float(try arguments.number("fill")), mode: try arguments.paddingMode())
        },
        Entry("centercrop", "CenterCrop: cut the middle window of the size", parameters: [
            Parameter("size", nil, "side, or height:width"),
        ]) { arguments throws(AugmentationSpecError) in
            CenterCrop(size: try arguments.size("size"))
        },
        Entry("resize", "Resize: to the size (bilinear with antialiasing, as torchvision's)", parameters: [
            Parameter("size", nil, "side, or height:width"),
            Parameter("interpolation", .word("bilinear"), "nearest or bilinear"),
        ]) { arguments throws(AugmentationSpecError) in
            Resize(size: try arguments.size("size"), interpolation: try arguments.interpolation())
        },
        Entry("resizedcrop", "RandomResizedCrop: a random window of random area and aspect, resized", parameters: [
            Parameter("size", nil, "the output: side, or height:width"),
            Parameter("scale", .numbers([0.08, 1]), "range of the window's area as a fraction of the image's"),
            Parameter("ratio", .numbers([3.0 / 4, 4.0 / 3]), "range of the window's width / height"),
            Parameter("interpolation", .word("bilinear"), "nearest or bilinear"),
        ]) { arguments throws(AugmentationSpecError) in
            RandomResizedCrop(size: try arguments.size("size"), scale: try arguments.range("scale", within: 0...1),
                              ratio: try arguments.range("ratio", within: .leastNonzeroMagnitude...1e6),
                              interpolation: try arguments.interpolation())
        },
        Entry("elastic", "ElasticTransform: displace pixels by smoothed random fields", parameters: [
            Parameter("alpha", .number(50), "the displacement's strength"),
            Parameter("sigma", .number(5), "the smoothing's standard deviation"),
            Parameter("interpolation", .word("bilinear"), "nearest or bilinear"),
            Parameter("fill", .number(0), "the value of pixels from outside the image"),
        ]) { arguments throws(AugmentationSpecError) in
            ElasticTransform(alpha: try arguments.number("alpha", within: 0...1e6), sigma: try arguments.number("sigma", within: 0...1e3),
                             interpolation: try arguments.interpolation(), fill: Float(try arguments.number("fill")))
        },
        Entry("shift", "RandomShift: move by whole pixels, each axis's distance in a range, either way", parameters: [
            Parameter("pixels", nil, "the distance: n, or a range a:b"),
            Parameter("fill", .number(0), "the value of uncovered pixels"),
        ]) { arguments throws(AugmentationSpecError) in
            let pixels = try arguments.range("pixels", within: 0...65536)
            guard pixels.lowerBound == pixels.lowerBound.rounded(), pixels.upperBound == pixels.upperBound.rounded() else {
                throw arguments.error(.outOfRange, "pixels", "must be whole numbers, got \(arguments.value("pixels"))")
            }
            return RandomShift(pixels: Int(pixels.lowerBound)...Int(pixels.upperBound), fill: Float(try arguments.number("fill")))
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

/// The readings the geometric entries share.
extension AugmentationSpec.Arguments {
    /// `name` as torchvision's `degrees`: `d` is `-d...d`, `a:b` is `a...b`.
    func symmetricRange(_ name: String) throws(AugmentationSpecError) -> ClosedRange<Double> {
        let numbers = try numbers(name, within: -1e6...1e6)
        guard numbers.count <= 2 else { throw error(.badValue, name, "must be d or a range a:b, got \(value(name))") }
        return numbers.count == 1 ? -abs(numbers[0])...abs(numbers[0]) : try ordered(numbers[0], numbers[1], name)
    }

    /// The numbers of `name`, one of `counts` of them, or nil when left as `none`.
    func optionalNumbers(_ name: String, counts: Set<Int>, within bounds: ClosedRange<Double> = -1e6...1e6) throws(AugmentationSpecError) -> [Double]? {
        if case .word("none") = value(name) { return nil }
        let numbers = try numbers(name, within: bounds)
        guard counts.contains(numbers.count) else {
            throw error(.badValue, name, "takes \(counts.sorted().map(String.init).joined(separator: " or ")) numbers, got \(value(name))")
        }
        return numbers
    }

    /// `lower...upper`, or an error about `name` when they are in the wrong order.
    func ordered(_ lower: Double, _ upper: Double, _ name: String) throws(AugmentationSpecError) -> ClosedRange<Double> {
        guard lower <= upper else { throw error(.badValue, name, "must be a range a:b with a <= b, got \(value(name))") }
        return lower...upper
    }

    /// Whole numbers of `name`, one of `counts` of them.
    func wholeNumbers(_ name: String, counts: Set<Int>, within bounds: ClosedRange<Double>) throws(AugmentationSpecError) -> [Int] {
        let numbers = try numbers(name, within: bounds, integer: true)
        guard counts.contains(numbers.count) else {
            throw error(.badValue, name, "takes \(counts.sorted().map(String.init).joined(separator: " or ")) numbers, got \(value(name))")
        }
        return numbers.map { Int($0) }
    }

    /// An image size: `side` or `height:width`, each 1...65536.
    func size(_ name: String) throws(AugmentationSpecError) -> [Int] {
        try wholeNumbers(name, counts: [1, 2], within: 1...65536)
    }

    /// `interpolation`: nearest or bilinear.
    func paddingMode() throws(AugmentationSpecError) -> PaddingMode {
        guard case .word(let word) = value("mode"), let mode = PaddingMode(rawValue: word) else {
            throw error(.badValue, "mode", "must be constant, edge, reflect or symmetric, got \(value("mode"))")
        }
        return mode
    }

    func interpolation() throws(AugmentationSpecError) -> Interpolation {
        guard case .word(let word) = value("interpolation"), let mode = Interpolation(rawValue: word) else {
            throw error(.badValue, "interpolation", "must be nearest or bilinear, got \(value("interpolation"))")
        }
        return mode
    }
}
