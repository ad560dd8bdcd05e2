import Foundation
import Testing
@testable import Loaders

@Suite struct IDXDatasetTests {
    /// The five 2 x 3 images of make_fixtures.py: image i holds the bytes 6i ..< 6i + 6.
    static func expectedImage(_ index: Int) -> [Float] {
        (6 * index..<6 * index + 6).map { Float($0) / 255 }
    }

    static let smallLabels = [3, 1, 4, 1, 5]

    static let smallPairs: [(String, String)] = [
        ("small-images-idx3-ubyte", "small-labels-idx1-ubyte"),
        ("small-images-idx3-ubyte.gz", "small-labels-idx1-ubyte.gz"),
        ("small-images-multimember.gz", "small-labels-idx1-ubyte"),
    ]

    @Test(arguments: smallPairs)
    func randomAccessGivesScaledImagesAndLabels(pair: (String, String)) throws {
        let dataset = try IDXDataset(images: IDXFixtures.idx(pair.0), labels: IDXFixtures.idx(pair.1))
        #expect(dataset.count == 5)
        #expect(dataset.sampleShape == [1, 2, 3])
        for index in [4, 0, 2] {
            let example = try dataset.sample(at: index)
            #expect(example.features.shape == [1, 2, 3])
            #expect(example.features.scalars == Self.expectedImage(index))
            #expect(example.label == Self.smallLabels[index])
        }
        let batch = try dataset.samples(at: [3, 3, 1])
        #expect(batch.map(\.label) == [1, 1, 1])
        #expect(batch[2].features.scalars == Self.expectedImage(1))
    }

    @Test(arguments: smallPairs, [1, 2, 3])
    func streamingMatchesRandomAccess(pair: (String, String), shards: Int) throws {
        let dataset = try IDXDataset(images: IDXFixtures.idx(pair.0), labels: IDXFixtures.idx(pair.1), shards: shards)
        #expect(dataset.shardCount == shards)
        var streamed: [Example] = []
        for shard in 0..<shards {
            var stream = try dataset.stream(shard: shard)
            while let example = try stream.next() { streamed.append(example) }
            #expect(try stream.next() == nil)
        }
        #expect(streamed == (try dataset.samples(at: Array(0..<5))))
    }

    @Test func otherTypesArriveAsTheirValuesWithIntegerLabels() throws {
        let dataset = try IDXDataset(images: IDXFixtures.idx("float64.idx.gz"), labels: IDXFixtures.idx("two-labels-int32.idx"))
        #expect(dataset.sampleShape == [3])
        let examples = try dataset.samples(at: [0, 1])
        #expect(examples.map(\.label) == [7, -1])
        #expect(examples[0].features.scalars == [-1.5, 0, Float(0.1)])
        #expect(examples[1].features.scalars == [3.25, Float(1e300), Float(-2.5e-300)])
        let int16 = try IDXDataset(images: IDXFixtures.idx("int16.idx"), labels: IDXFixtures.idx("two-labels-int32.idx"))
        #expect(try int16.sample(at: 1).features.scalars == [1, 300, 32767])
        let rank4 = try IDXDataset(images: IDXFixtures.idx("rank4-int16.idx"), labels: IDXFixtures.idx("two-labels-int32.idx"))
        #expect(rank4.sampleShape == [1, 2, 2])
        #expect(try rank4.sample(at: 0).features.scalars == [-4, -3, -2, -1])
    }

    /// No samples of 2^30 x 2^30 bytes each: the payload is empty, so nothing may be allocated.
    @Test func anEmptyFileOfHugeSamplesStreamsNothing() throws {
        let images = try IDXFixtures.temporaryFile([0, 0, 8, 3, 0, 0, 0, 0, 0x40, 0, 0, 0, 0x40, 0, 0, 0], name: "empty-images")
        let labels = try IDXFixtures.temporaryFile([0, 0, 8, 1, 0, 0, 0, 0], name: "empty-labels")
        let dataset = try IDXDataset(images: images, labels: labels, shards: 2)
        #expect(dataset.count == 0)
        #expect(dataset.sampleShape == [1, 1 << 30, 1 << 30])
        for shard in 0..<2 {
            var stream = try dataset.stream(shard: shard)
            #expect(try stream.next() == nil)
        }
    }

    @Test func countMismatchNamesBothFiles() throws {
        let images = IDXFixtures.idx("small-images-idx3-ubyte")
        let labels = IDXFixtures.idx("four-labels-idx1-ubyte")
        let error = try #require(IDXFixtures.loaderError { _ = try IDXDataset(images: images, labels: labels) })
        #expect(error.code == .mismatch)
        #expect(error.description.contains(images))
        #expect(error.description.contains(labels))
    }

    @Test func floatLabelsAreRefused() throws {
        let labels = IDXFixtures.idx("float32.idx")
        let error = try #require(IDXFixtures.loaderError {
            _ = try IDXDataset(images: IDXFixtures.idx("int16.idx"), labels: labels)
        })
        #expect(error.code == .unsupported)
        #expect(error.path == labels)
    }

    @Test func badPayloadFailsBothAccessModesWithItsOffset() throws {
        // payload-long.gz holds one byte after its declared 30-byte payload (16-byte header).
        let dataset = try IDXDataset(images: IDXFixtures.idx("payload-long.gz"), labels: IDXFixtures.idx("small-labels-idx1-ubyte"))
        let randomError = try #require(IDXFixtures.loaderError { _ = try dataset.sample(at: 0) })
        #expect(randomError.code == .trailingData)
        #expect(randomError.location == .byteOffset(46))

        var stream = try dataset.stream(shard: 0)
        for _ in 0..<5 { #expect(try stream.next() != nil) }
        let streamError = try #require(IDXFixtures.loaderError { _ = try stream.next() })
        #expect(streamError.code == .trailingData)
        #expect(streamError.location == .byteOffset(46))
    }

    @Test func streamingReportsCorruptGzipAtTheEnd() throws {
        let dataset = try IDXDataset(images: IDXFixtures.idx("bad-crc.gz"), labels: IDXFixtures.idx("small-labels-idx1-ubyte"))
        var stream = try dataset.stream(shard: 0)
        let error = try #require(IDXFixtures.loaderError { while try stream.next() != nil {} })
        #expect(error.code == .checksumMismatch)
    }
}
