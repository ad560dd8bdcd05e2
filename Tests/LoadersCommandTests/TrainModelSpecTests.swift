import ChildProcessSupport
import Foundation
import Loaders
import Testing

/// `loaders train --model SPEC`, `--optimizer rmsprop|adadelta` and `--schedule`, run as a user
/// runs them, on the first 640 images of MNIST's test set.
@Suite struct TrainModelSpecTests {
    static let mnist = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/mnist").path

    /// Writes the first `count` test images and labels as an uncompressed IDX pair and returns the
    /// images path.
    static func subset(count: Int, in directory: URL) throws -> String {
        let examples = try MNIST(directory: mnist, split: .test).samples(at: Array(0..<count))
        func bigEndian(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
        var images: [UInt8] = [0, 0, 0x08, 3] + bigEndian(UInt32(count)) + bigEndian(28) + bigEndian(28)
        images += examples.flatMap { $0.features.scalars.map { UInt8(($0 * 255).rounded()) } }
        let labels: [UInt8] = [0, 0, 0x08, 1] + bigEndian(UInt32(count)) + examples.map { UInt8($0.label!) }
        let imagesPath = directory.appendingPathComponent("subset-images-idx3-ubyte").path
        try Data(images).write(to: URL(fileURLWithPath: imagesPath))
        try Data(labels).write(to: directory.appendingPathComponent("subset-labels-idx1-ubyte"))
        return imagesPath
    }

    static func run(_ arguments: [String]) async throws -> ChildProcess.Outcome {
        // A generous deadline turns a hang into a failure instead of a stuck test run.
        try await ChildProcess.run(LoadersTool.executable, ["train"] + arguments, environment: LoadersTool.environment, deadline: .seconds(600))
    }

    static func losses(_ output: String) throws -> [Double] {
        try output.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return try #require(object?["train_loss"] as? Double)
        }
    }

    /// Each network learns: the mean training loss of the third epoch is well below the first's
    /// (chance is ln 10 ≈ 2.3). The saved file holds every parameter and buffer, and loads.
    @Test(arguments: [
        ["--model", "conv(6,5,pad=2) relu maxpool(2) conv(16,5) relu maxpool(2) flatten linear(120) relu linear(84) relu linear(10)",
         "--optimizer", "sgd", "--learning-rate", "0.05", "--momentum", "0.9", "--schedule", "step:1:0.7"],
        ["--model", "conv(8,3) batchnorm relu avgpool(2) conv(16,3) leakyrelu adaptiveavgpool(4) flatten linear(32) tanh dropout(0.25) linear(10)",
         "--optimizer", "adadelta", "--schedule", "cosine:3"],
        ["--model", "flatten linear(64) sigmoid batchnorm linear(10)", "--optimizer", "rmsprop", "--learning-rate", "0.002",
         "--schedule", "onecycle:0.01"],
    ])
    func aSpecLearns(_ arguments: [String]) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("spec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let images = try Self.subset(count: 640, in: directory)
        let saved = directory.appendingPathComponent("model.bin").path
        let outcome = try await Self.run(["--train", images, "--test", images, "--epochs", "3", "--batch-size", "32",
                                          "--workers", "1", "--json", "--save", saved] + arguments)
        #expect(outcome.reason == .exit && outcome.status == 0, "\(outcome.standardError)")
        let losses = try Self.losses(outcome.standardOutput)
        #expect(losses.count == 3)
        #expect(losses[2] < 0.75 * losses[0], "losses \(losses)")

        let reload = try await Self.run(["--train", images, "--test", images, "--epochs", "0", "--workers", "0", "--json",
                                         "--load", saved] + arguments)
        #expect(reload.reason == .exit && reload.status == 0, "\(reload.standardError)")
        #expect(reload.standardOutput.contains("test_accuracy"))
    }

    /// A spec that does not parse, or does not fit the images, ends with status 1 and one line
    /// naming the part, where it starts, and why.
    @Test(arguments: [
        ("conv(32,3) relu pool(2) flatten linear(10)", "loaders train: model spec: \"pool(2)\" at character 17: unknown layer \"pool\""),
        ("conv(32,3 relu", "loaders train: model spec: \"conv(32,3 relu\" at character 1: no closing parenthesis"),
        ("conv(8,5) maxpool(2) conv(8,5) maxpool(2) conv(8,5) flatten linear(10)",
         "model spec: \"conv(8,5)\" at character 43: kernel 5 is larger than its padded input 4×4, for samples of [1, 28, 28]"),
        ("conv(8,3) flatten linear(5)", "the model gives outputs of [5] per sample, the data has 10 classes; end the spec with linear(10)"),
    ])
    func aBadSpecIsAOneLineError(_ spec: String, message: String) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("badspec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let images = try Self.subset(count: 64, in: directory)
        let outcome = try await Self.run(["--train", images, "--model", spec, "--workers", "0"])
        #expect(outcome.reason == .exit && outcome.status == 1)
        #expect(outcome.standardError.hasPrefix("loaders train: "))
        #expect(outcome.standardError.contains(message), "\(outcome.standardError)")
        #expect(outcome.standardError.filter { $0 == "\n" }.count == 1)
        #expect(outcome.standardOutput.isEmpty)
    }

    @Test(arguments: ["step:0:0.5", "step:1", "cosine:x", "onecycle:-1", "linear:3", "step:1:0"])
    func aBadScheduleIsRefused(_ schedule: String) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let outcome = try await Self.run(["--schedule", schedule])
        #expect(outcome.reason == .exit && outcome.status != 0)
        #expect(outcome.standardError.contains("--schedule \"\(schedule)\" is not step:STEP:GAMMA"))
    }

    /// As in PyTorch, one-cycle needs a momentum to cycle, which Adadelta lacks.
    @Test func oneCycleNeedsAMomentum() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let outcome = try await Self.run(["--schedule", "onecycle:1", "--optimizer", "adadelta"])
        #expect(outcome.reason == .exit && outcome.status != 0)
        #expect(outcome.standardError.contains("--schedule onecycle cycles the momentum, which adadelta does not have"))
    }
}
