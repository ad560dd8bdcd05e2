import ChildProcessSupport
import Foundation
import Testing
@testable import loaders

/// `loaders inspect` of an MNIST folder, and the tool run away from the repository's data.
@Suite struct InspectFolderTests {
    /// Pixel sums: numpy's `sum(dtype=int64)` over each images file; label sums: MNIST's published
    /// digit counts (train 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949; test 980,
    /// 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009) weighted by their digits.
    static let expected: [(file: String, shape: String, sum: Int, max: Int)] = [
        ("train-images-idx3-ubyte.gz", "60000 x 28 x 28", 1_567_298_545, 255),
        ("train-labels-idx1-ubyte.gz", "60000", 267_236, 9),
        ("t10k-images-idx3-ubyte.gz", "10000 x 28 x 28", 264_923_200, 255),
        ("t10k-labels-idx1-ubyte.gz", "10000", 44_434, 9),
    ]

    @Test func anMNISTFolderIsInspectedFileByFile() throws {
        let folder = InspectTests.fixture("mnist")
        let summary = try IDXInspection.summary(ofMNISTFolder: folder)
        #expect(summary.readable == Self.expected.map {
            "\(folder)/\($0.file): IDX, uint8, shape \($0.shape)\n  sum \($0.sum)  min 0  max \($0.max)"
        }.joined(separator: "\n"))
        let files = Self.expected.map { file -> String in
            let shape = file.shape.replacingOccurrences(of: " x ", with: ",")
            return #"{"path":"\#(folder)/\#(file.file)","format":"idx","dtype":"uint8","shape":[\#(shape)],"sum":\#(file.sum),"min":0,"max":\#(file.max)}"#
        }
        #expect(summary.json.text == #"{"format":"mnist","files":["# + files.joined(separator: ",") + "]}")
    }

    /// A folder with the test split alone shows that split; a folder with neither names where the
    /// training files were looked for.
    @Test func aFolderShowsTheSplitsItHas() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mnist-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let empty = #expect(throws: (any Error).self) { try IDXInspection.summary(ofMNISTFolder: folder) }
        #expect("\(empty.map { "\($0)" } ?? "")".contains("looked for \(folder)/train-images-idx3-ubyte and"))
        for file in Self.expected.suffix(2) {
            try FileManager.default.copyItem(atPath: InspectTests.fixture("mnist/" + file.file), toPath: folder + "/" + file.file)
        }
        let summary = try IDXInspection.summary(ofMNISTFolder: folder)
        #expect(summary.readable.split(separator: "\n").count == 4)
        #expect(summary.readable.hasPrefix("\(folder)/t10k-images-idx3-ubyte.gz: IDX, uint8, shape 10000 x 28 x 28"))
    }

    /// Run from a folder without the repository's MNIST, the default `--train` says what to give.
    @Test(arguments: ["train", "bench"])
    func withoutTheBundledDataTheToolSaysWhatTrainTakes(command: String) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let outcome = try await ChildProcess.run(
            "/bin/sh", ["-c", "cd / && exec \"$0\" \(command)", LoadersTool.executable],
            environment: LoadersTool.environment, deadline: .seconds(120))
        #expect(outcome.status == 1)
        #expect(outcome.standardError == "loaders \(command): Fixtures/mnist: no --train given, and the repository's MNIST folder is not here: "
                + "name your data with --train (an MNIST folder, an IDX images file, a CSV file or an HDF5 file)\n")
    }

    @Test func epochTimesBelowASecondReadInMilliseconds() {
        #expect(TrainCommand.readable(seconds: 0.0042) == "4.2 ms")
        #expect(TrainCommand.readable(seconds: 0.9994) == "999.4 ms")
        #expect(TrainCommand.readable(seconds: 1.234) == "1.23 s")
    }
}
