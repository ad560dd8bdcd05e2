import ArgumentParser
import Loaders
import Testing
@testable import loaders

@Suite struct BenchTests {
    @Test func benchReadsEveryTestSampleFromAnImagesFile() throws {
        let images = InspectTests.fixture("mnist/t10k-images-idx3-ubyte.gz")
        let command = try BenchCommand.parse(["--train", images, "--workers", "2", "--epochs", "2", "--batch-size", "100"])
        let report = try command.measure()
        #expect(report.format == "idx")
        #expect(report.samples == 10_000)
        #expect(report.epochSeconds.count == 2)
        #expect(report.epochSeconds.allSatisfy { $0 > 0 })
        #expect(report.peakResidentMegabytes > 0)
        #expect(report.json.text.hasPrefix(#"{"format":"idx","mode":"random access","samples":10000,"workers":2,"open_seconds":"#))
    }

    @Test func labelsAreFoundBesideImagesByMNISTNaming() {
        #expect(SourceOptions.labelsPath(besideImages: "data/train-images-idx3-ubyte.gz") == "data/train-labels-idx1-ubyte.gz")
        #expect(SourceOptions.labelsPath(besideImages: "t10k-images-idx3-ubyte") == "t10k-labels-idx1-ubyte")
    }

    /// A worker count the system could not start threads for is refused while parsing.
    @Test(arguments: ["-1", "257", "9223372036854775807"])
    func anOutOfRangeWorkerCountIsRefused(workers: String) {
        #expect(throws: (any Error).self) { try BenchCommand.parse(["--workers", workers]) }
    }

    @Test(arguments: ["0", "65537", "9223372036854775807"])
    func anOutOfRangeShardCountIsRefused(shards: String) {
        #expect(throws: (any Error).self) { try BenchCommand.parse(["--streaming", "--shards", shards]) }
    }

    @Test func aMissingSourceIsATypedError() throws {
        let command = try BenchCommand.parse(["--train", "/nonexistent/file.idx"])
        #expect(throws: LoaderError.self) { try command.measure() }
    }
}

extension BenchTests {
    @Test func streamingBenchReadsEverySampleOncePerEpoch() throws {
        let images = InspectTests.fixture("mnist/t10k-images-idx3-ubyte.gz")
        let command = try BenchCommand.parse(["--train", images, "--streaming", "--shuffle-buffer", "500", "--epochs", "2"])
        let report = try command.measure()
        #expect(report.mode == "streaming")
        #expect(report.samples == 10_000)
        #expect(report.epochSeconds.count == 2)
    }
}

extension BenchTests {
    /// Streamed samples are augmented as they are read; a bad spec is refused before any is.
    @Test func streamingBenchAugmentsEverySample() throws {
        let images = InspectTests.fixture("mnist/t10k-images-idx3-ubyte.gz")
        let command = try BenchCommand.parse(["--train", images, "--streaming", "--shards", "4", "--workers", "2",
                                              "--augment", "affine(degrees=10),erasing(p=0.25)"])
        let report = try command.measure()
        #expect(report.mode == "streaming" && report.samples == 10_000)
        #expect(throws: (any Error).self) { try BenchCommand.parse(["--streaming", "--augment", "affine(degrees=ten)"]) }
    }
}
