import ChildProcessSupport
import Foundation
import Loaders
import LoadersHDF5
import Testing

/// `loaders convert` of an MNIST folder writes both of its splits.
@Suite struct ConvertFolderTests {
    /// A folder of 30 training and 20 test images (MNIST's first test images, under both splits'
    /// names): converted to `out.h5`, it gives `out-train.h5` and `out-test.h5` holding each split's
    /// samples in order, and to `.csv` the same two ways.
    @Test(arguments: ["h5", "csv"])
    func bothSplitsOfAFolderAreWritten(format: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("convert-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (prefix, count) in [("train", 30), ("t10k", 20)] {
            let images = try TrainModelSpecTests.subset(count: count, in: directory)
            try FileManager.default.moveItem(atPath: images, toPath: directory.appendingPathComponent("\(prefix)-images-idx3-ubyte").path)
            try FileManager.default.moveItem(at: directory.appendingPathComponent("subset-labels-idx1-ubyte"),
                                             to: directory.appendingPathComponent("\(prefix)-labels-idx1-ubyte"))
        }
        let out = directory.appendingPathComponent("out.\(format)").path
        let outcome = try await ChildProcess.run(LoadersTool.executable, ["convert", "--train", directory.path, "--to", out],
                                                 environment: LoadersTool.environment, deadline: .seconds(300))
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let source = try MNIST(directory: TrainModelSpecTests.mnist, split: .test)
        for (split, count) in [("train", 30), ("test", 20)] {
            let path = directory.appendingPathComponent("out-\(split).\(format)").path
            #expect(outcome.standardOutput.contains(path))
            let written: any Dataset<Example> = format == "h5"
                ? try HDF5Dataset(path, features: "/images", labels: "/labels")
                : try CSVDataset(path, labelColumn: "label", shape: [1, 28, 28])
            #expect(written.count == count)
            let expected = try source.samples(at: Array(0..<count))
            let read = try written.samples(at: Array(0..<count))
            #expect(read.map(\.label) == expected.map(\.label))
            #expect(read.map { $0.features.scalars.reduce(0, +) } == expected.map { $0.features.scalars.reduce(0, +) })
        }
    }
}
