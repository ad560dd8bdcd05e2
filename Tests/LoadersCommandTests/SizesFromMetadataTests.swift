import ArgumentParser
import ChildProcessSupport
import Foundation
import Testing
@testable import loaders

/// `loaders bench` and `loaders train` on files whose metadata declares sizes their bytes do not
/// hold (written by h5py and Python's struct module: Fixtures/sizes/make_fixtures.py), and on
/// options that ask for too much: exit status 1 and one line naming the file and the size,
/// before the memory is asked for.
@Suite struct SizesFromMetadataTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var arguments: [String]
        /// The fixture the message names.
        var file: String
        /// The message after `loaders COMMAND: FILE: `.
        var message: String
        var testDescription: String { name }
    }

    static func fixture(_ name: String) -> String { InspectTests.fixture("sizes/" + name) }
    static let hdf5 = ["--features", "/images", "--labels", "/labels"]
    static let mnistTest = InspectTests.fixture("mnist/t10k-images-idx3-ubyte.gz")

    static let cases: [Case] = [
        // 2^33 indices of 8 bytes, and as many again in 2^27 batches of 64.
        Case(name: "2^33 rows", arguments: ["bench", "--train", fixture("rows-2pow33.h5")] + hdf5 + ["--memory-limit", "64G"],
             file: fixture("rows-2pow33.h5"),
             message: "the order of epoch 1 (134217728 batches) needs 132.0 GiB, more than the memory limit of 64.0 GiB (MemoryLimit.bytes, --memory-limit)"),
        // The workers' shuffle buffers and chunks hold at most the file's 2^33 samples (not the
        // 10^11 asked for), and the consumer a batch of 64 twice over.
        Case(name: "2^33 rows, streamed", arguments: ["bench", "--streaming", "--train", fixture("rows-2pow33.h5")] + hdf5
                + ["--shuffle-buffer", "100000000000", "--memory-limit", "64G"],
             file: fixture("rows-2pow33.h5"),
             message: "8589934720 samples of [4] in shuffle buffers and batches needs 128.0 GiB, more than the memory limit of 64.0 GiB (MemoryLimit.bytes, --memory-limit)"),
        // 2 samples of 20000 x 20000 floats, read and collated: the epoch's one batch.
        Case(name: "rows of 20000 x 20000", arguments: ["bench", "--train", fixture("rows-20000x20000.h5")] + hdf5 + ["--memory-limit", "4G"],
             file: fixture("rows-20000x20000.h5"),
             message: "1 batch of 2 samples of [1, 20000, 20000] needs 6.0 GiB, more than the memory limit of 4.0 GiB (MemoryLimit.bytes, --memory-limit)"),
        // 784 x 10^8 + 10^8 x 10 weights and 10^8 + 10 biases, twice over (values and gradients).
        Case(name: "a hidden layer of 10^8", arguments: ["train", "--train", mnistTest, "--model", "mlp", "--hidden", "100000000"],
             file: mnistTest,
             message: "the mlp model for samples of [1, 28, 28] (79500000010 parameters, with gradients and sgd's state) needs 592.3 GiB, more than the memory limit of "),
        // Python's gzip module; its text is 2,086 bytes, and inflating stops at the first past 2 KiB.
        Case(name: "a gzip-compressed CSV past the limit",
             arguments: ["bench", "--train", InspectTests.fixture("csv/inspect/python_csv_module.csv.gz"), "--memory-limit", "2K"],
             file: InspectTests.fixture("csv/inspect/python_csv_module.csv.gz"),
             message: "byte 864: the gzip-compressed text, inflated (decompress it and read the file in place: CSVStreamingDataset never holds it), "
                + "needs 2.0 KiB (2049 bytes), more than the memory limit of 2.0 KiB (2048 bytes) (MemoryLimit.bytes, --memory-limit)"),
        Case(name: "rows of no features", arguments: ["train", "--train", fixture("features-10x0.h5"), "--model", "linear"] + hdf5,
             file: fixture("features-10x0.h5"), message: "samples of shape [0] hold no features to train on"),
        Case(name: "images of no channels", arguments: ["train", "--train", fixture("images-5x0x5x5.h5")] + hdf5,
             file: fixture("images-5x0x5x5.h5"), message: "samples of shape [0, 5, 5] hold no features to train on"),
        Case(name: "IDX images of 0 x 28", arguments: ["train", "--train", fixture("empty-images-idx3-ubyte")],
             file: fixture("empty-images-idx3-ubyte"), message: "samples of shape [1, 0, 28] hold no features to train on"),
        Case(name: "a label past Int32", arguments: ["bench", "--train", fixture("label-2pow40.h5"), "--workers", "0"] + hdf5,
             file: fixture("label-2pow40.h5"),
             message: "sample 2: the consuming thread failed collating batch 1 (label 1099511627776 does not fit in Int32)"),
    ]

    @Test(arguments: cases)
    func aSizeTheMachineCannotHoldIsRefusedInOneLine(_ testCase: Case) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let outcome = try await ChildProcess.run(
            LoadersTool.executable, testCase.arguments, environment: LoadersTool.environment, deadline: .seconds(120))
        #expect(!outcome.timedOut)
        #expect(outcome.reason == .exit && outcome.status == 1, "\(outcome.standardError)")
        let command = testCase.arguments[0]
        #expect(outcome.standardError.hasPrefix("loaders \(command): \(testCase.file): \(testCase.message)"), "\(outcome.standardError)")
        #expect(outcome.standardError.filter { $0 == "\n" }.count == 1)
    }

    /// The same MNIST run passes with the default limit and is refused under a small one: the
    /// limit is what decides, not the file.
    @Test func theMemoryLimitOptionDecides() async throws {
        let bench = ["bench", "--train", Self.mnistTest, "--epochs", "1", "--batch-size", "1000"]
        let passes = try await ChildProcess.run(LoadersTool.executable, bench, environment: LoadersTool.environment, deadline: .seconds(120))
        #expect(passes.reason == .exit && passes.status == 0, "\(passes.standardError)")
        // The file's 7.5 MiB of pixels fit in 16 MiB; 5 batches of 1000 images of 784 floats,
        // twice over (31,360,000 bytes), do not.
        let refused = try await ChildProcess.run(
            LoadersTool.executable, bench + ["--memory-limit", "16M"], environment: LoadersTool.environment, deadline: .seconds(120))
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("5 batches of 1000 samples of [1, 28, 28] needs 29.9 MiB, more than the memory limit of 16.0 MiB"),
                "\(refused.standardError)")
    }

    @Test func memoryLimitsReadAsBinaryMultiples() throws {
        func bytes(_ text: String) throws -> Int? { try BenchCommand.parse(["--memory-limit", text]).source.memoryLimitBytes() }
        #expect(try bytes("512M") == 512 << 20)
        #expect(try bytes("8g") == 8 << 30)
        #expect(try bytes("1.5 GiB") == 3 << 29)
        #expect(try bytes("4096") == 4096)
        #expect(try bytes("2TB") == 2 << 40)
    }

    /// Each option the memory limit, the normalisation or the timeout reads, out of range: refused
    /// before anything runs, with the option's name.
    @Test(arguments: [
        ["--memory-limit", "0"], ["--memory-limit", "1x"], ["--memory-limit", "-5G"], ["--memory-limit", "99999999T"],
        ["--memory-limit", "0.5"], ["--std", "0"], ["--std", "-1"], ["--std", "inf"], ["--mean", "nan"], ["--workers", "257"],
    ])
    func anOptionOutOfRangeIsRefusedByName(_ arguments: [String]) {
        for command in [BenchCommand.self, TrainCommand.self] as [any ParsableCommand.Type] {
            #expect {
                _ = try command.parse(arguments)
            } throws: { error in
                command.message(for: error).contains(arguments[0])
            }
        }
    }
}
