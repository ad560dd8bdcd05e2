import ChildProcessSupport
import Foundation
import Testing

/// `loaders train` is a function of its flags: the same flags give the same parameters, bit for
/// bit, with shuffling, dropout, batch normalisation, a per-batch schedule and several workers.
@Suite struct TrainDeterminismTests {
    static let arguments = [
        "--model", "conv(4,3) batchnorm relu maxpool(2) dropout(0.25) flatten linear(16) relu dropout(0.5) linear(10)",
        "--optimizer", "adam", "--schedule", "onecycle:0.01", "--epochs", "2", "--batch-size", "16",
        "--workers", "2", "--threads", "2", "--json",
    ]

    /// The saved model file and the losses printed, of one run with `seed`.
    static func train(_ images: String, seed: Int, in directory: URL, name: String) async throws -> (model: Data, losses: [Double]) {
        let saved = directory.appendingPathComponent(name).path
        let outcome = try await TrainModelSpecTests.run(["--train", images, "--test", images, "--seed", "\(seed)", "--save", saved] + arguments)
        #expect(outcome.reason == .exit && outcome.status == 0, "\(outcome.standardError)")
        return (try Data(contentsOf: URL(fileURLWithPath: saved)), try TrainModelSpecTests.losses(outcome.standardOutput))
    }

    @Test func theSameFlagsGiveTheSameParametersBitForBit() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("determinism-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let images = try TrainModelSpecTests.subset(count: 256, in: directory)
        let first = try await Self.train(images, seed: 7, in: directory, name: "first.bin")
        let second = try await Self.train(images, seed: 7, in: directory, name: "second.bin")
        #expect(first.model == second.model)
        #expect(first.losses.map(\.bitPattern) == second.losses.map(\.bitPattern))
        #expect(first.losses.count == 2)
        // The seed reaches the weights, the order and dropout: another gives other parameters.
        let other = try await Self.train(images, seed: 8, in: directory, name: "other.bin")
        #expect(other.model != first.model)
    }
}
