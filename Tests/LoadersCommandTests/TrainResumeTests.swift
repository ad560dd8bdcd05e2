import ChildProcessSupport
import Foundation
import Loaders
import Testing

/// The checkpointing promise: `loaders train` killed with SIGKILL at random moments (often while
/// a checkpoint is being written, since one is written after every batch) and continued with
/// `--resume` each time, with another worker count, saves exactly the model of the run that was
/// never interrupted, augmentation included. A damaged newest checkpoint is skipped with a message, and the run goes on
/// from the one before.
@Suite struct TrainResumeTests {
    static let arguments = [
        "--model", "conv(4,3) batchnorm relu maxpool(2) dropout(0.25) flatten linear(16) relu dropout(0.5) linear(10)",
        "--optimizer", "adam", "--schedule", "onecycle:0.01", "--epochs", "2", "--batch-size", "16", "--threads", "2", "--json",
        "--augment", "affine(degrees=10,translate=0.1,scale=0.9:1.1),erasing(p=0.25)",
    ]

    private static func train(
        _ arguments: [String], killWhen: (@Sendable () -> Bool)? = nil
    ) async throws -> ChildProcess.Outcome {
        try await ChildProcess.run(LoadersTool.executable, ["train"] + arguments, environment: LoadersTool.environment,
                                   deadline: .seconds(600), killWhen: killWhen)
    }

    /// The global step of the newest checkpoint in `folder`, 0 when there is none.
    private static func newestStep(in folder: String) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .compactMap { name in name.hasPrefix("checkpoint-") && name.hasSuffix(".ckpt") ? Int(name.dropFirst(11).dropLast(5)) : nil }
            .max() ?? 0
    }

    @Test func aRunKilledAtRandomMomentsAndResumedSavesTheUninterruptedModel() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let images = try TrainModelSpecTests.subset(count: 1024, in: directory)
        let data = ["--train", images, "--test", images]
        let uninterrupted = directory.appendingPathComponent("uninterrupted.bin").path
        let whole = try await Self.train(data + Self.arguments + ["--workers", "2", "--save", uninterrupted])
        #expect(whole.reason == .exit && whole.status == 0, "\(whole.standardError)")

        let checkpoints = directory.appendingPathComponent("checkpoints").path
        let resumed = directory.appendingPathComponent("resumed.bin").path
        let workers = [0, 3, 1, 2, 16]
        var random = SeededGenerator(seed: 2026)
        var (kills, damaged, damageSkipped, finished) = (0, false, false, false)
        for round in 0...9 where !finished {
            // Round 0 is killed at once, before any checkpoint; rounds 1 to 8 a few steps after
            // they resumed, a random 0-3 ms after a checkpoint appeared, so often while the next
            // is being written; round 9 runs to the end.
            let target = Self.newestStep(in: checkpoints) + 1 + random.uniform(below: 6)
            let pause = UInt32(random.uniform(below: 3000))
            let killWhen: (@Sendable () -> Bool)? = switch round {
            case 0: { true }
            case 9: nil
            default: {
                guard Self.newestStep(in: checkpoints) >= target else { return false }
                usleep(pause)
                return true
            }
            }
            let outcome = try await Self.train(
                data + Self.arguments + ["--workers", "\(workers[round % workers.count])", "--save", resumed,
                                         "--checkpoint-dir", checkpoints, "--checkpoint-every", "1", "--keep-checkpoints", "2", "--resume"],
                killWhen: killWhen)
            if outcome.timedOut {
                kills += 1
            } else {
                #expect(outcome.reason == .exit && outcome.status == 0, "round \(round): \(outcome.standardError)")
                finished = true
            }
            if damaged && outcome.standardError.contains("resuming") {
                #expect(outcome.standardError.contains("is damaged"), "\(outcome.standardError)")
                (damaged, damageSkipped) = (false, true)
            }
            // Once, a flipped byte in the newest checkpoint: the next round must skip it.
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: checkpoints)) ?? []).filter { $0.hasSuffix(".ckpt") }.sorted()
            if kills >= 2 && outcome.timedOut && files.count == 2 && !damaged && !damageSkipped {
                let newest = URL(fileURLWithPath: checkpoints).appendingPathComponent(files[1])
                var bytes = try Data(contentsOf: newest)
                bytes[bytes.count / 2] ^= 0x40
                try bytes.write(to: newest)
                damaged = true
            }
        }
        #expect(finished && damageSkipped)
        #expect(kills == 9)
        #expect(try Data(contentsOf: URL(fileURLWithPath: resumed)) == Data(contentsOf: URL(fileURLWithPath: uninterrupted)))
    }

    /// `--resume` takes the run's settings from the checkpoint: an option that would change what
    /// the run computes is refused, naming both values; loading options may change.
    @Test func aConflictingOptionIsRefusedAndLoadingOptionsMayChange() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let images = try TrainModelSpecTests.subset(count: 64, in: directory)
        let checkpoints = directory.appendingPathComponent("checkpoints").path
        let first = try await Self.train(["--train", images, "--test", images, "--model", "flatten linear(10)", "--epochs", "1",
                                          "--learning-rate", "0.05", "--checkpoint-dir", checkpoints, "--json"])
        #expect(first.status == 0, "\(first.standardError)")
        let conflicting = try await Self.train(["--checkpoint-dir", checkpoints, "--resume", "--learning-rate", "0.1"])
        #expect(conflicting.status != 0)
        #expect(conflicting.standardError.contains("which was started with --learning-rate 0.05; leave out --learning-rate 0.1"),
                "\(conflicting.standardError)")
        // Only the folder and a new worker count: the run's own settings come from the checkpoint,
        // and its one epoch is done, so the model is saved as it is.
        let saved = directory.appendingPathComponent("model.bin").path
        let resumed = try await Self.train(["--checkpoint-dir", checkpoints, "--resume", "--workers", "0", "--save", saved])
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardOutput.contains("resuming from \(checkpoints)/checkpoint-000001.ckpt at the start of epoch 2"))
        #expect(FileManager.default.fileExists(atPath: saved))
    }
}
