/// A random transform of one image, as torchvision's `transforms.v2` apply them on a loader's
/// workers: its random choices are drawn from the generator it is given, which `AugmentedDataset`
/// derives from (seed, epoch, sample index) alone.
///
/// Images are `[channels, height, width]` (or `[height, width]`) float tensors, as the readers
/// deliver them (MNIST in [0, 1]). A transform of your own draws from `random` and nothing else,
/// so that an augmented epoch is the same whatever the worker count and after a resume:
///
/// ```swift
/// struct Invert: ImageTransform {
///     var probability: Float = 0.5
///     func apply(_ image: Tensor<Float>, using random: inout SeededGenerator) throws -> Tensor<Float> {
///         guard random.unitDouble() < Double(probability) else { return image }
///         return Tensor(shape: image.shape, scalars: image.scalars.map { 1 - $0 })
///     }
/// }
/// ```
public protocol ImageTransform: Sendable {
    /// `image` transformed, drawing every random choice from `random`.
    /// - Throws: `LoaderError` `.mismatch` for an image the transform cannot take.
    func apply(_ image: Tensor<Float>, using random: inout SeededGenerator) throws -> Tensor<Float>
}

/// Transforms applied one after another, like torchvision's `Compose`.
public struct Augmentation: ImageTransform {
    public var transforms: [any ImageTransform]

    public init(_ transforms: [any ImageTransform]) {
        self.transforms = transforms
    }

    public func apply(_ image: Tensor<Float>, using random: inout SeededGenerator) throws -> Tensor<Float> {
        try transforms.reduce(image) { image, transform in try transform.apply(image, using: &random) }
    }

    /// The generator of sample `index` in epoch `epoch`: a pure function of the three, so no
    /// state passes from one sample to the next and any worker may draw it.
    public static func generator(seed: UInt64, epoch: Int, index: Int) -> SeededGenerator {
        // The epoch and the index, mixed so that neighbouring pairs give unrelated streams.
        var key = UInt64(truncatingIfNeeded: epoch) &* 0xD1B5_4A32_D192_ED03 ^ UInt64(truncatingIfNeeded: index)
        key = (key ^ (key >> 32)) &* 0x9E37_79B9_7F4A_7C15
        return SeededGenerator(seed: seed ^ 0x4155_474D_454E_5400, stream: key ^ (key >> 29))
    }

    /// The generator of the sample at `position` of shard `shard` in epoch `epoch`, for streamed
    /// data, whose samples have no index in the whole dataset: sample `position`'s generator with
    /// the shard mixed into the seed.
    public static func generator(seed: UInt64, epoch: Int, shard: Int, position: Int) -> SeededGenerator {
        var shardKey = (UInt64(truncatingIfNeeded: shard) ^ 0x5348_4152_4400_0000) &* 0xBF58_476D_1CE4_E5B9
        shardKey ^= shardKey >> 31
        return generator(seed: seed ^ shardKey, epoch: epoch, index: position)
    }
}
