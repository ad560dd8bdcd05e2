import Foundation
import Testing
@testable import Loaders

@Suite struct MNISTTests {
    @Test func trainSplitHasKnownLabelsAndPixelSum() throws {
        let train = try MNIST(directory: IDXFixtures.mnist, split: .train)
        #expect(train.count == 60_000)
        let first = try train.samples(at: Array(0..<10))
        #expect(first.map(\.label) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
        #expect(first[0].features.shape == [1, 28, 28])
        #expect(first.allSatisfy { $0.features.scalars.allSatisfy { (0...1).contains($0) } })

        let labels = try IDXArray(contentsOf: IDXFixtures.mnist + "/train-labels-idx1-ubyte.gz")
        var counts = [Int](repeating: 0, count: 10)
        for index in 0..<labels.count { counts[labels.integer(at: index)] += 1 }
        #expect(counts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])

        // numpy: np.frombuffer(gzip.open("train-images-idx3-ubyte.gz").read(), np.uint8, offset=16).sum(dtype=np.int64)
        let images = try IDXArray(contentsOf: IDXFixtures.mnist + "/train-images-idx3-ubyte.gz")
        #expect(images.shape == [60_000, 28, 28])
        #expect(images.withUnsafeBytes { $0.reduce(0) { $0 + Int($1) } } == 1_567_298_545)
    }

    @Test func testSplitStreamsLikeRandomAccess() throws {
        let test = try MNIST(directory: IDXFixtures.mnist, split: .test)
        #expect(test.count == 10_000)
        #expect(test.shardCount == 1)
        // numpy: the first ten t10k labels.
        #expect(try test.samples(at: Array(0..<10)).map(\.label) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9])

        var stream = try test.stream(shard: 0)
        var pixelSum = 0
        var index = 0
        while let example = try stream.next() {
            // Features are byte / 255; multiplying back recovers each byte exactly.
            pixelSum += example.features.scalars.reduce(0) { $0 + Int(($1 * 255).rounded()) }
            if index % 997 == 0 {
                #expect(example == (try test.sample(at: index)))
            }
            index += 1
        }
        #expect(index == 10_000)
        // numpy: np.frombuffer(gzip.open("t10k-images-idx3-ubyte.gz").read(), np.uint8, offset=16).sum(dtype=np.int64)
        #expect(pixelSum == 264_923_200)
    }

    @Test func findsUncompressedFileNames() throws {
        let directory = try IDXFixtures.temporaryDirectory()
        for name in ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"] {
            let bytes = try IDXFixtures.gunzip(IDXFixtures.mnist + "/" + name + ".gz")
            try Data(bytes).write(to: directory.appendingPathComponent(name))
        }
        let raw = try MNIST(directory: directory.path, split: .test)
        #expect(raw.dataset.imagesPath.hasSuffix("t10k-images-idx3-ubyte"))
        let gzipped = try MNIST(directory: IDXFixtures.mnist, split: .test)
        #expect(gzipped.dataset.imagesPath.hasSuffix("t10k-images-idx3-ubyte.gz"))
        #expect(try raw.samples(at: [0, 9_999]) == (try gzipped.samples(at: [0, 9_999])))
    }

    @Test func missingFilesNameTheDirectory() throws {
        let directory = try IDXFixtures.temporaryDirectory()
        let error = try #require(IDXFixtures.loaderError { _ = try MNIST(directory: directory.path, split: .train) })
        #expect(error.code == .io)
        #expect(error.message.contains("train-images-idx3-ubyte.gz"))
    }
}
