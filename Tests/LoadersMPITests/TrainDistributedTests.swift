import ChildProcessSupport
import Foundation
import Loaders
import Synchronization
import Testing
import Training

/// `loaders train --distributed` started by `mpirun` as users start it. Nested in
/// `MPIEquivalenceTests` to share its one-`mpirun`-at-a-time order.
extension MPIEquivalenceTests {
    @Suite struct TrainDistributedTests {
        static let tool: String = URL(fileURLWithPath: MPIEquivalenceTests.program).deletingLastPathComponent()
            .appendingPathComponent("loaders").path

        /// The training options every run here shares: the seed CNN on a subset of MNIST, one
        /// worker and one compute thread per process.
        static func options(_ data: TrainingData) -> [String] {
            ["train", "--train", data.train, "--test", data.test, "--json", "--workers", "1", "--threads", "1",
             "--learning-rate", "0.05", "--momentum", "0.9", "--seed", "1"]
        }

        /// As `MPIEquivalenceTests.run` starts its programs: backtraces off, root allowed, waiting ranks yielding.
        static var environment: [String: String] {
            var environment = ProcessInfo.processInfo.environment
            environment["SWIFT_BACKTRACE"] = "enable=no"
            environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
            environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
            environment["OMPI_MCA_mpi_yield_when_idle"] = "1"
            return environment
        }

        /// Runs `loaders` on `np` ranks, one MPI job at a time across the target's suites (`MPIJobs`).
        static func mpirun(_ arguments: [String], np: Int = 2, killWhen: (@Sendable () -> Bool)? = nil) async throws -> ChildProcess.Outcome {
            try await mpirunJob(["-np", "\(np)", tool] + arguments, killWhen: killWhen)
        }

        /// Runs mpirun with `arguments` after the options every run takes.
        static func mpirunJob(_ arguments: [String], killWhen: (@Sendable () -> Bool)? = nil) async throws -> ChildProcess.Outcome {
            try await MPIJobs.oneAtATime {
                try await ChildProcess.run(MPIRun.path!, ["--allow-run-as-root", "--oversubscribe"] + arguments,
                                           environment: Self.environment, deadline: .seconds(120), killWhen: killWhen)
            }
        }

        static func alone(_ arguments: [String]) async throws -> ChildProcess.Outcome {
            try await MPIJobs.oneAtATime {
                try await ChildProcess.run(tool, arguments, environment: Self.environment, deadline: .seconds(120))
            }
        }

        /// The epochs' JSON lines of an outcome's standard output.
        static func lines(_ outcome: ChildProcess.Outcome) throws -> [[String: Any]] {
            try outcome.standardOutput.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\($0)")
            }
        }

        /// The tensors of a model saved by `loaders train --save` for the seed CNN.
        static func tensors(_ path: String) throws -> [[Float]] {
            let model = try ModelSpec("conv(32,3) relu flatten linear(10)").makeModel(input: [1, 28, 28], seed: 0)
            try ModelFile.load(into: model.state, from: path)
            return model.state.map(\.value.scalars)
        }

        /// Two ranks with batches of 32 train, measure and save what one process with batches of
        /// 64 does, through the command line; only rank 0 prints. 1,025 training and 257 test
        /// samples end each pass with a global batch of one sample, which leaves rank 1 an empty
        /// batch to step and an empty slice to measure.
        @Test func twoRanksTrainAsOneProcessWithTheGlobalBatch() async throws {
            let data = try TrainingData(train: 1025, test: 257)
            defer { data.remove() }
            let common = Self.options(data) + ["--epochs", "2"]
            let distributedModel = data.folder.appendingPathComponent("distributed.bin").path
            let singleModel = data.folder.appendingPathComponent("single.bin").path
            let distributed = try await Self.mpirun(common + ["--distributed", "--batch-size", "32", "--save", distributedModel])
            #expect(distributed.status == 0 && !distributed.timedOut, "\(distributed.standardOutput)\(distributed.standardError)")
            let single = try await Self.alone(common + ["--batch-size", "64", "--save", singleModel])
            #expect(single.status == 0 && !single.timedOut, "\(single.standardError)")

            // One line per epoch: rank 1 prints nothing.
            let (ranks, alone) = (try Self.lines(distributed), try Self.lines(single))
            try #require(ranks.count == 2 && alone.count == 2, "\(distributed.standardOutput)")
            for (epoch, (a, b)) in zip(ranks, alone).enumerated() {
                let (lossA, lossB) = (try #require(a["train_loss"] as? Double), try #require(b["train_loss"] as? Double))
                #expect(abs(lossA - lossB) <= 1e-5 * abs(lossB), "epoch \(epoch + 1): train loss \(lossA) against \(lossB)")
                let (accuracyA, accuracyB) = (try #require(a["test_accuracy"] as? Double), try #require(b["test_accuracy"] as? Double))
                #expect(abs(accuracyA - accuracyB) * 257 <= 1.000001, "epoch \(epoch + 1): accuracy \(accuracyA) against \(accuracyB)")
                // 17 steps per rank: the gradients of 10·26·26·32 + 10 + 32·9 + 32 parameters and the sample count.
                #expect(a["allreduce_steps"] as? Int == 17 && a["allreduce_bytes"] as? Int == (216_320 + 10 + 288 + 32 + 1) * 4, "\(a)")
                #expect(b["allreduce_steps"] == nil)
            }
            let (mine, reference) = (try Self.tensors(distributedModel), try Self.tensors(singleModel))
            #expect(mine.count == reference.count)
            for (index, (a, b)) in zip(mine, reference).enumerated() {
                let scale = b.map(abs).max() ?? 0
                let difference = zip(a, b).map { abs($0 - $1) }.max() ?? 0
                #expect(scale > 0 && difference <= 1e-5 * scale, "tensor \(index): largest difference \(difference), largest magnitude \(scale)")
            }
            // Training moved the parameters away from the shared initialisation.
            let initial = try ModelSpec("conv(32,3) relu flatten linear(10)").makeModel(input: [1, 28, 28], seed: 1).state.map(\.value.scalars)
            #expect(initial[0] != mine[0])
        }

        /// Ranks started with other settings stop at start-up, the rank that differs naming the
        /// setting, its value and rank 0's (mpirun's MPMD form starts two command lines).
        @Test(arguments: [
            (["--seed", "2"], "rank 1: --seed is 2 here and 1 on rank 0"),
            (["--model", "conv(16,3) relu flatten linear(10)"], "parameter shapes is [16, 1, 3, 3] [16] [10, 10816] [10] here and [32, 1, 3, 3] [32] [10, 21632] [10] on rank 0"),
            (["--train", "SMALLER"], "rank 1: training order count is 500 here and 1000 on rank 0"),
        ])
        func ranksWithOtherSettingsStopAtStartUp(change: [String], message: String) async throws {
            let data = try TrainingData(train: 1000, test: 100)
            defer { data.remove() }
            let smaller = try TrainingData.subset(count: 500, split: .train, in: data.folder, name: "smaller")
            let rank0 = Self.options(data) + ["--distributed", "--batch-size", "32"]
            let rank1 = rank0 + change.map { $0 == "SMALLER" ? smaller : $0 }
            let started = ContinuousClock.now
            let outcome = try await Self.mpirunJob(["-np", "1", Self.tool] + rank0 + [":", "-np", "1", Self.tool] + rank1)
            let text = outcome.standardOutput + outcome.standardError
            #expect(outcome.status != 0 && !outcome.timedOut, "\(text)")
            #expect(text.contains(message), "\(text)")
            #expect(text.contains("rank 0: stopping, since rank 1's settings differ from rank 0's"), "\(text)")
            #expect(!text.contains("\"epoch\""), "a rank trained: \(text)")
            #expect(ContinuousClock.now - started < .seconds(60))
        }

        /// The global step of each checkpoint in `folder`.
        static func steps(in folder: String) -> [Int] {
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                .compactMap { $0.hasPrefix("checkpoint-") && $0.hasSuffix(".ckpt") ? Int($0.dropFirst(11).dropLast(5)) : nil }
                .sorted()
        }

        /// The pid of the rank `rank` of the job whose command line holds `marker`, from the
        /// environment Open MPI gives each rank.
        static func pid(ofRank rank: Int, marker: String) -> pid_t? {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            for entry in entries {
                guard let pid = pid_t(entry),
                      let commandLine = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .isoLatin1),
                      commandLine.contains(marker), commandLine.hasPrefix(tool),
                      let environment = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(entry)/environ"))
                else { continue }
                let variables = environment.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
                if variables.contains("OMPI_COMM_WORLD_RANK=\(rank)") { return pid }
            }
            return nil
        }

        /// A rank killed with SIGKILL once a checkpoint is written ends the whole job within 30 s,
        /// with mpirun's one message naming it; the newest checkpoint reads, and `--resume` on two
        /// ranks saves the model of the run that was never interrupted, byte for byte.
        @Test(arguments: [1, 0])
        func aKilledRankEndsTheJobAndTheRunResumes(killed: Int) async throws {
            let data = try TrainingData(train: 1000, test: 100)
            defer { data.remove() }
            let common = Self.options(data) + ["--distributed", "--batch-size", "32", "--epochs", "2"]
            let uninterrupted = data.folder.appendingPathComponent("uninterrupted.bin").path
            let whole = try await Self.mpirun(common + ["--save", uninterrupted])
            #expect(whole.status == 0 && !whole.timedOut, "\(whole.standardError)")

            let checkpoints = data.folder.appendingPathComponent("checkpoints").path
            let resumed = data.folder.appendingPathComponent("resumed.bin").path
            let run = common + ["--save", resumed, "--checkpoint-dir", checkpoints, "--checkpoint-every", "2", "--resume"]
            // Killed a few steps in, once the fourth step's checkpoint is there: by progress, not by the clock.
            let killedAt = Mutex<ContinuousClock.Instant?>(nil as ContinuousClock.Instant?)
            let interrupted = try await Self.mpirun(run) {
                guard killedAt.withLock({ $0 }) == nil, (Self.steps(in: checkpoints).last ?? 0) >= 4,
                      let pid = Self.pid(ofRank: killed, marker: checkpoints)
                else { return false }
                kill(pid, SIGKILL)
                killedAt.withLock { $0 = .now }
                return false
            }
            let ended = ContinuousClock.now
            let text = interrupted.standardOutput + interrupted.standardError
            let killTime = try #require(killedAt.withLock { $0 }, "no rank was killed: \(text)")
            #expect(!interrupted.timedOut && interrupted.status != 0, "\(text)")
            #expect(ended - killTime < .seconds(30), "the job ended \(ended - killTime) after the kill")
            #expect(text.contains("process rank \(killed) with PID") && text.contains("exited on signal 9"), "\(text)")
            #expect(!text.contains("\"epoch\":2"), "the run finished before the kill: \(text)")

            // The newest checkpoint reads, and the run goes on from it.
            let newest = try #require(Self.steps(in: checkpoints).last)
            let checkpoint = try TrainingCheckpoint(
                contentsOf: URL(fileURLWithPath: checkpoints).appendingPathComponent(String(format: "checkpoint-%06d.ckpt", newest)).path)
            #expect(checkpoint.globalStep == newest)
            let finish = try await Self.mpirun(run)
            #expect(finish.status == 0 && !finish.timedOut, "\(finish.standardError)")
            #expect(finish.standardError.contains("resuming from"), "\(finish.standardError)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: resumed)) == Data(contentsOf: URL(fileURLWithPath: uninterrupted)),
                    "the resumed model differs from the uninterrupted one")
        }

        /// The batches of `epoch` in a `--trace-batches` file, by their number.
        static func traced(_ path: String, epoch: Int) throws -> [Int: [Int]] {
            var batches: [Int: [Int]] = [:]
            for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
                let parts = line.split(separator: ":")
                let position = parts[0].split(separator: " ").map { Int($0)! }
                guard position[0] == epoch else { continue }
                #expect(batches[position[1]] == nil, "batch \(position[1]) of epoch \(epoch) traced twice in \(path)")
                batches[position[1]] = parts.count > 1 ? parts[1].split(separator: " ").map { Int($0)! } : []
            }
            return batches
        }

        /// A checkpoint of two ranks, taken mid-epoch, resumed on one rank, by one process
        /// without MPI and on three ranks: the samples the two ranks trained on before it and those
        /// of the resumed run are the epoch's, each once. From sample 256, three ranks' global
        /// batches of 96 continue between two of their batches.
        @Test func aCheckpointOfTwoRanksResumesOnOtherWorldSizes() async throws {
            let data = try TrainingData(train: 1000, test: 100)
            defer { data.remove() }
            let common = Self.options(data) + ["--batch-size", "32", "--epochs", "1"]
            let folder = data.folder.path
            let all = folder + "/all"
            let first = try await Self.mpirun(common + ["--distributed", "--checkpoint-dir", all, "--checkpoint-every", "2",
                                                        "--keep-checkpoints", "100", "--trace-batches", folder + "/two"])
            #expect(first.status == 0 && !first.timedOut, "\(first.standardError)")
            /// The samples the two ranks trained on in the first `steps` steps.
            func before(_ steps: Int) throws -> [Int] {
                try [0, 1].flatMap { rank in try Self.traced(folder + "/two.rank-\(rank)", epoch: 1).filter { $0.key <= steps }.flatMap(\.value) }
            }
            #expect(try before(4).count == 256 && before(6).count == 384)

            let resumes: [(name: String, np: Int?, step: Int)] = [("one-rank", 1, 4), ("alone", nil, 4), ("three-ranks", 3, 6), ("three-ranks-between", 3, 4)]
            for (name, np, step) in resumes {
                let checkpoints = folder + "/" + name
                let file = String(format: "/checkpoint-%06d.ckpt", step)
                try FileManager.default.createDirectory(atPath: checkpoints, withIntermediateDirectories: true)
                try FileManager.default.copyItem(atPath: all + file, toPath: checkpoints + file)
                let arguments = common + ["--checkpoint-dir", checkpoints, "--resume", "--trace-batches", checkpoints + ".trace"]
                let outcome = if let np { try await Self.mpirun(arguments + ["--distributed"], np: np) } else { try await Self.alone(arguments) }
                #expect(outcome.status == 0 && !outcome.timedOut, "\(name): \(outcome.standardError)")
                let traces = np.map { ranks in (0..<ranks).map { checkpoints + ".trace.rank-\($0)" } } ?? [checkpoints + ".trace"]
                let after = try traces.map { try Self.traced($0, epoch: 1) }
                if np != 3 {
                    // Sample 256 is batch 9 of 32 (1000 = 31 · 32 + 8).
                    #expect(after[0].keys.min() == 9 && after[0].keys.max() == 32, "\(name): \(after[0].keys.sorted())")
                }
                let used: [Int] = try before(step) + after.flatMap { $0.values.flatMap { $0 } }
                #expect(used.sorted() == Array(0..<1000), "\(name): a sample repeated or skipped")
            }
        }
    }
}

/// A subset of MNIST as uncompressed IDX files in a folder of its own.
struct TrainingData {
    let folder: URL
    let train: String
    let test: String

    init(train: Int, test: Int) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("distributed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.train = try Self.subset(count: train, split: .train, in: folder, name: "train")
        self.test = try Self.subset(count: test, split: .test, in: folder, name: "test")
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    /// The first `count` images of `split` of Fixtures/mnist, written as IDX; the images' path.
    static func subset(count: Int, split: MNIST.Split, in folder: URL, name: String) throws -> String {
        let examples = try MNIST(directory: MPIEquivalenceTests.root.appendingPathComponent("Fixtures/mnist").path, split: split)
            .samples(at: Array(0..<count))
        func bigEndian(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }
        var images: [UInt8] = [0, 0, 0x08, 3] + bigEndian(UInt32(count)) + bigEndian(28) + bigEndian(28)
        images += examples.flatMap { $0.features.scalars.map { UInt8(($0 * 255).rounded()) } }
        let labels: [UInt8] = [0, 0, 0x08, 1] + bigEndian(UInt32(count)) + examples.map { UInt8($0.label!) }
        let imagesPath = folder.appendingPathComponent("\(name)-images-idx3-ubyte").path
        try Data(images).write(to: URL(fileURLWithPath: imagesPath))
        try Data(labels).write(to: folder.appendingPathComponent("\(name)-labels-idx1-ubyte"))
        return imagesPath
    }
}
