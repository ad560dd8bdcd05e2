import Foundation
import Loaders
import LoadersHDF5
import Testing
@testable import loaders

@Suite struct HDF5ConvertTests {
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("loaders-convert-\(UUID().uuidString)-\(name)").path
    }

    /// Fixtures/hdf5/written_by_loaders.h5 was made by this very command; make_fixtures.py checks
    /// with h5py that it holds exactly the source's arrays, so matching it means h5py reads ours
    /// back identically.
    @Test func convertMatchesTheH5pyVerifiedFixture() throws {
        let output = Self.temporaryPath("converted.h5")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let command = try ConvertCommand.parse([
            "--train", HDF5InspectTests.fixture("contiguous_uint8.h5"), "--to", output, "--chunk-rows", "6", "--gzip", "4",
        ])
        try command.run()
        let converted = try HDF5File(output)
        let verified = try HDF5File(HDF5InspectTests.fixture("written_by_loaders.h5"))
        for name in ["/images", "/labels"] {
            #expect(try converted.info(name) == verified.info(name))
            #expect(try converted.read(name, as: Int.self) == verified.read(name, as: Int.self))
        }
    }

    @Test func invalidOptionsAreRefused() {
        #expect(throws: (any Error).self) { try ConvertCommand.parse(["--train", "x", "--to", "y", "--gzip", "12"]) }
        #expect(throws: (any Error).self) { try ConvertCommand.parse(["--train", "x", "--to", "y", "--chunk-rows", "0"]) }
    }

    @Test func missingDatasetFailsWithoutWriting() throws {
        let output = Self.temporaryPath("never.h5")
        let command = try ConvertCommand.parse([
            "--train", HDF5InspectTests.fixture("nested.h5"), "--features", "/nope", "--to", output,
        ])
        #expect(throws: (any Error).self) { try command.run() }
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func hdf5SourcesOpenForBenchAndStreaming() throws {
        let options = try SourceOptions.parse(["--features", "/data/train/x", "--labels", "/data/train/y"])
        let opened = try options.open(HDF5InspectTests.fixture("nested.h5"))
        #expect(opened.format == "hdf5")
        #expect(opened.dataset.count == 12)
        let streaming = try options.openStreaming(HDF5InspectTests.fixture("nested.h5"), shards: 2)
        #expect(streaming.dataset.shardCount == 2)
    }
}

@Suite struct HDF5MatchesIDXTests {
    /// MNIST's test split converted to HDF5 reads back sample for sample as IDX gives it.
    @Test func convertedMNISTEqualsIDX() throws {
        let output = HDF5ConvertTests.temporaryPath("t10k.h5")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let idx = try MNIST(directory: InspectTests.fixture("mnist"), split: .test)
        try HDF5Writer(creating: output).write(idx, chunkRows: 500, gzipLevel: 1)
        let hdf5 = try HDF5Dataset(output)
        #expect(hdf5.count == 10_000)
        #expect(hdf5.sampleShape == [1, 28, 28])
        let indices = [0, 1, 9999, 4321] + Array(stride(from: 7, to: 10_000, by: 97))
        #expect(try hdf5.samples(at: indices) == idx.samples(at: indices))
        #expect(try HDF5File(output).read("/labels", as: Int.self).scalars.reduce(0, +) == 44_434)
    }
}
