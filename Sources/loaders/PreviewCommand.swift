import ArgumentParser
import Foundation
import Loaders

/// `loaders preview --augment SPEC --out grid.png`: samples and their augmentations side by side.
struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Draw samples and their augmentations in a PNG grid, to see what an augmentation spec does.",
        discussion: """
            Each row is one sample (the first --count of the dataset); its first column is the sample as \
            read, the next --copies columns are its augmentations in epochs 1, 2, … as a loader with \
            --seed sees them. 8-bit grayscale, a gray 1-pixel gap between cells. Pixels in [0, 1] map \
            to 0…255; a grid with values outside [0, 1] (after normalize) is scaled from its minimum to \
            its maximum instead. The spec language is in Docs/Augmentation.md.
            Example: loaders preview --augment "hflip,erasing(p=0.5),noise(sigma=0.05)" --out grid.png
            """)

    @OptionGroup var source: SourceOptions

    @Option(help: ArgumentHelp("The augmentation, e.g. \"hflip,blur(kernel=3,sigma=0.1:2)\".", valueName: "spec"))
    var augment: String

    @Option(help: "How many samples (rows).")
    var count = 8

    @Option(help: "How many augmented copies of each (columns after the sample).")
    var copies = 6

    @Option(help: "The augmentation seed.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("The PNG file to write (replaced if it exists).", valueName: "grid.png"))
    var out: String

    /// The gap between cells: mid-gray, apart from MNIST's black background and white strokes.
    static let gap: UInt8 = 128

    func validate() throws {
        guard (1...1000).contains(count) else { throw ValidationError("--count must be in 1...1000, got \(count)") }
        guard (0...100).contains(copies) else { throw ValidationError("--copies must be in 0...100, got \(copies)") }
    }

    func run() throws {
        let image: GrayscalePNG
        let rows: [[Tensor<Float>]]
        do {
            let augmentation = try Augmentation(spec: augment)
            let dataset = try source.open(source.train).dataset
            rows = try Self.rows(of: dataset, count: count, augmentation: augmentation, seed: seed, copies: copies)
            image = try Self.grid(rows)
            try image.write(to: out)
        } catch {
            throw reportFailure(of: "preview", error)
        }
        print("\(out): \(rows.count) samples, each then \(copies) augmentations (epochs 1…\(copies), seed \(seed)); \(image.width)×\(image.height) pixels")
    }

    /// For each of the first `count` samples, its features as read and in epochs 1...copies of
    /// `dataset` augmented by `augmentation` with `seed`.
    static func rows<Base: Dataset>(of dataset: Base, count: Int, augmentation: Augmentation, seed: UInt64, copies: Int) throws -> [[Tensor<Float>]]
    where Base.Element == Example {
        let indices = Array(0..<min(count, dataset.count))
        let augmented = dataset.augmented(by: augmentation, seed: seed)
        var columns = [try dataset.samples(at: indices).map(\.features)]
        for epoch in stride(from: 1, through: copies, by: 1) {
            columns.append(try augmented.samples(at: indices, epoch: epoch).map(\.features))
        }
        return indices.indices.map { row in columns.map { $0[row] } }
    }

    /// The images of `rows` in a grid, each cell as large as the largest image (a smaller one at
    /// its top left, on black), `gap` between cells.
    /// - Throws: `LoaderError` `.mismatch` for an image that is not one-channel 2-D.
    static func grid(_ rows: [[Tensor<Float>]]) throws -> GrayscalePNG {
        var sizes: [(height: Int, width: Int)] = []
        for image in rows.joined() {
            switch image.shape.count {
            case 2: sizes.append((image.shape[0], image.shape[1]))
            case 3 where image.shape[0] == 1: sizes.append((image.shape[1], image.shape[2]))
            default: throw LoaderError(.mismatch, "preview draws one-channel images, [height, width] or [1, height, width], got \(image.shape)")
            }
        }
        guard !sizes.isEmpty else { throw LoaderError(.mismatch, "preview has no samples to draw: the dataset is empty") }
        let cell = (height: sizes.map(\.height).max()!, width: sizes.map(\.width).max()!)
        let columns = rows.map(\.count).max()!
        let width = max(1, columns * (cell.width + 1) - 1), height = max(1, rows.count * (cell.height + 1) - 1)
        let values = rows.joined().flatMap(\.scalars).filter(\.isFinite)
        let (low, high) = (values.min() ?? 0, values.max() ?? 1)
        let (offset, scale): (Float, Float) = low >= 0 && high <= 1 ? (0, 255) : (low, high > low ? 255 / (high - low) : 0)
        var pixels = [UInt8](repeating: gap, count: width * height)
        for (row, images) in rows.enumerated() {
            for (column, image) in images.enumerated() {
                let (imageHeight, imageWidth) = (image.shape[image.rank - 2], image.shape[image.rank - 1])
                for y in 0..<cell.height {
                    for x in 0..<cell.width {
                        let value = y < imageHeight && x < imageWidth ? image.scalars[y * imageWidth + x] : offset
                        let level = ((value.isFinite ? value : offset) - offset) * scale
                        pixels[(row * (cell.height + 1) + y) * width + column * (cell.width + 1) + x] = UInt8(min(max(level, 0), 255).rounded())
                    }
                }
            }
        }
        return GrayscalePNG(width: width, height: height, pixels: pixels)
    }
}
