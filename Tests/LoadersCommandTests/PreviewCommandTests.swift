import ChildProcessSupport
import Foundation
import Loaders
import Testing
@testable import loaders

/// `loaders preview`: the PNG it writes, read back with a small decoder of its own (chunk CRCs,
/// zlib inflate, filter bytes), holds each sample and its augmentations in epochs 1…copies.
@Suite struct PreviewCommandTests {
    static let images = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/mnist/t10k-images-idx3-ubyte.gz").path
    static let labels = images.replacingOccurrences(of: "images-idx3", with: "labels-idx1")

    /// The image of a PNG as `GrayscalePNG` writes it: 8-bit grayscale, not interlaced, every row
    /// with filter 0; each chunk's CRC-32 checked.
    static func decode(_ bytes: [UInt8]) throws -> GrayscalePNG {
        try #require(Array(bytes.prefix(8)) == GrayscalePNG.signature)
        func integer(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        var chunks: [(type: String, data: [UInt8])] = []
        var position = 8
        while position < bytes.count {
            let length = integer(position)
            let typed = Array(bytes[(position + 4)..<(position + 8 + length)])
            #expect(CRC32.checksum(typed) == UInt32(integer(position + 8 + length)))
            chunks.append((String(decoding: typed.prefix(4), as: UTF8.self), Array(typed.dropFirst(4))))
            position += 12 + length
        }
        #expect(chunks.map(\.type) == ["IHDR", "IDAT", "IEND"])
        let header = chunks[0].data
        let (width, height) = (header[0..<4].reduce(0) { $0 << 8 | Int($1) }, header[4..<8].reduce(0) { $0 << 8 | Int($1) })
        #expect(Array(header[8...]) == [8, 0, 0, 0, 0])
        var rows = [UInt8](repeating: 0, count: height * (width + 1))
        let inflated = chunks[1].data.withUnsafeBytes { input in
            rows.withUnsafeMutableBytes { output in (try? DeflateDecompressor())?.decompressZlib(input, into: output) }
        }
        guard case .success(let count) = inflated else { throw LoaderError(.corrupt, "IDAT does not inflate") }
        #expect(count == rows.count)
        #expect((0..<height).allSatisfy { rows[$0 * (width + 1)] == 0 })
        var pixels: [UInt8] = []
        for row in 0..<height {
            let start = row * (width + 1) + 1
            pixels += rows[start..<(start + width)]
        }
        return GrayscalePNG(width: width, height: height, pixels: pixels)
    }

    /// Runs `loaders preview arguments… --out FILE` and decodes FILE.
    static func preview(_ arguments: [String]) async throws -> GrayscalePNG {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("preview-\(UUID().uuidString).png").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let outcome = try await ChildProcess.run(LoadersTool.executable, ["preview", "--train", images] + arguments + ["--out", out],
                                                 environment: LoadersTool.environment, deadline: .seconds(300))
        try #require(outcome.status == 0, "\(outcome.standardError)")
        return try decode(Array(try Data(contentsOf: URL(fileURLWithPath: out))))
    }

    /// The 8-bit level of a pixel in [0, 1].
    static func level(_ value: Float) -> UInt8 { UInt8((min(max(value, 0), 1) * 255).rounded()) }

    /// Checks that cell (row, column) of a grid of 28×28 cells holds `image`, and its gaps are gray.
    static func expectCell(_ grid: GrayscalePNG, row: Int, column: Int, holds image: [Float]) {
        for y in 0..<29 {
            for x in 0..<29 {
                let (gridY, gridX) = (row * 29 + y, column * 29 + x)
                guard gridY < grid.height, gridX < grid.width else { continue }
                let expected = y == 28 || x == 28 ? PreviewCommand.gap : level(image[y * 28 + x])
                guard grid.pixels[gridY * grid.width + gridX] == expected else {
                    Issue.record("cell (\(row), \(column)) pixel (\(y), \(x)): \(grid.pixels[gridY * grid.width + gridX]), expected \(expected)")
                    return
                }
            }
        }
    }

    @Test func aPNGReadsBackAsWritten() throws {
        let image = GrayscalePNG(width: 5, height: 3, pixels: (0..<15).map { UInt8($0 * 17) })
        #expect(try Self.decode(image.encoded()) == image)
    }

    /// With a sure flip, each row is the sample, then its mirror image in every column.
    @Test func eachRowIsTheSampleThenItsAugmentations() async throws {
        let grid = try await Self.preview(["--augment", "hflip(p=1)", "--count", "3", "--copies", "2"])
        #expect((grid.width, grid.height) == (3 * 29 - 1, 3 * 29 - 1))
        let dataset = try IDXDataset(images: Self.images, labels: Self.labels)
        for row in 0..<3 {
            let sample = try dataset.sample(at: row).features.scalars
            let mirrored = (0..<784).map { (index: Int) -> Float in sample[index - index % 28 + 27 - index % 28] }
            #expect(sample != mirrored)
            Self.expectCell(grid, row: row, column: 0, holds: sample)
            Self.expectCell(grid, row: row, column: 1, holds: mirrored)
            Self.expectCell(grid, row: row, column: 2, holds: mirrored)
        }
    }

    /// Column e + 1 is epoch e of the dataset augmented with the seed, as a loader reads it.
    @Test func theCopiesAreEpochsOneToCopies() async throws {
        let spec = "erasing(p=1,value=0.5),noise(sigma=0.1)"
        let grid = try await Self.preview(["--augment", spec, "--count", "4", "--copies", "3", "--seed", "9"])
        #expect((grid.width, grid.height) == (4 * 29 - 1, 4 * 29 - 1))
        let augmented = try IDXDataset(images: Self.images, labels: Self.labels).augmented(by: try Augmentation(spec: spec), seed: 9)
        var copies: Set<[Float]> = []
        for epoch in 1...3 {
            for (row, sample) in try augmented.samples(at: [0, 1, 2, 3], epoch: epoch).enumerated() {
                Self.expectCell(grid, row: row, column: epoch, holds: sample.features.scalars)
                copies.insert(sample.features.scalars)
            }
        }
        #expect(copies.count == 12)
    }

    /// Values outside [0, 1] (a normalised image) are scaled from the grid's minimum to its maximum.
    @Test func aGridBeyondTheUnitIntervalIsScaledToItsRange() throws {
        let grid = try PreviewCommand.grid([[Tensor(shape: [1, 1, 4], scalars: [-1, 0, 1, 3])]])
        #expect(grid.pixels == [0, 64, 128, 255])
        #expect(throws: LoaderError.self) { try PreviewCommand.grid([[Tensor(shape: [3, 2, 2], repeating: 0)]]) }
    }

    @Test func aBadSpecIsReportedWithItsPosition() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("preview-\(UUID().uuidString).png").path
        let outcome = try await ChildProcess.run(LoadersTool.executable, ["preview", "--train", Self.images, "--augment", "hflip,blurr", "--out", out],
                                                 environment: LoadersTool.environment, deadline: .seconds(300))
        #expect(outcome.status == 1)
        #expect(outcome.standardError.hasPrefix("loaders preview: augmentation spec \"hflip,blurr\", character 7: unknown transform \"blurr\""))
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
