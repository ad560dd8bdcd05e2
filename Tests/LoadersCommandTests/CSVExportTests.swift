import ArgumentParser
import Foundation
import Loaders
import Testing
@testable import loaders

@Suite struct CSVExportTests {
    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).csv").path
    }

    /// Wine written out and read back: the same features, bit for bit, and the same labels.
    @Test func wineReadsBackIdentically() throws {
        let wine = try CSVDataset(InspectTests.fixture("wine.csv"), labelColumn: "target")
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let written = try CSVExport.write(wine, to: path)
        #expect(written.rows == 178 && written.features == 13)
        let back = try CSVDataset(path)
        #expect(back.count == wine.count)
        for index in 0..<wine.count {
            #expect(try back.sample(at: index) == wine.sample(at: index), "row \(index)")
        }
    }

    /// MNIST's first 200 test images, as the IDX reader gives them (Float in [0, 1]), come back
    /// as exactly those Floats.
    @Test func idxImagesReadBackIdentically() throws {
        let mnist = try MNIST(directory: InspectTests.fixture("mnist"), split: .test)
        let head = FirstSamples(base: mnist, count: 200)
        let path = Self.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try CSVExport.write(head, to: path)
        let back = try CSVDataset(path, shape: [1, 28, 28])
        #expect(back.count == 200)
        for index in 0..<200 {
            #expect(try back.sample(at: index) == mnist.sample(at: index), "image \(index)")
        }
    }

    @Test func unwritablePathIsAnIOError() throws {
        let wine = try CSVDataset(InspectTests.fixture("wine.csv"), labelColumn: "target")
        let error = try #require(throws: LoaderError.self) { try CSVExport.write(wine, to: "/nonexistent/dir/out.csv") }
        #expect(error.code == .io)
        #expect(error.path == "/nonexistent/dir/out.csv")
    }
}

/// The first `count` samples of a dataset.
private struct FirstSamples<Base: Dataset<Example>>: Dataset {
    let base: Base
    let count: Int
    func sample(at index: Int) throws -> Example { try base.sample(at: index) }
}

@Suite struct ConvertCommandTests {
    /// `loaders convert --train t10k-images… --to OUT.csv`, then reading OUT.csv: the first images
    /// and labels the IDX reader gives.
    @Test func convertsIDXToCSVThatReadsBackIdentically() throws {
        let path = CSVExportTests.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let images = InspectTests.fixture("mnist/t10k-images-idx3-ubyte.gz")
        try ConvertCommand.parse(["--train", images, "--to", path]).run()
        let back = try CSVDataset(path, shape: [1, 28, 28])
        let mnist = try MNIST(directory: InspectTests.fixture("mnist"), split: .test)
        #expect(back.count == 10_000)
        for index in [0, 1, 4_999, 9_999] {
            #expect(try back.sample(at: index) == mnist.sample(at: index), "image \(index)")
        }
    }

    @Test func refusesAnUnknownOutputFormat() throws {
        let command = try ConvertCommand.parse(["--train", InspectTests.fixture("wine.csv"), "--label-column", "target", "--to", "/tmp/out.parquet"])
        #expect(throws: ExitCode.self) { try command.run() }
    }
}
