import ChildProcessSupport
import Foundation
import Testing

/// Where `mpirun` is, if it is on PATH.
enum MPIRun {
    static let path: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .map { "\($0)/mpirun" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// Two MPI ranks with batches of 32 train the same model as one process with batches of 64
/// (`mpi-equivalence`, run under `mpirun` and alone).
/// One child at a time (`MPIJobs`, shared with the other suites that start `mpirun`), its ranks
/// yielding the processor while they wait: ranks waiting in a collective otherwise spin, and several
/// jobs on two cores would starve the other suites.
@Suite(.enabled(if: MPIRun.path != nil, "mpirun is not on PATH: install openmpi-bin (`make deps` does)"), .serialized)
struct MPIEquivalenceTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let program: String = {
        let bundle = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: bundle).deletingLastPathComponent().appendingPathComponent("mpi-equivalence").path
    }()

    static func run(_ executable: String, _ arguments: [String]) async throws -> ChildProcess.Outcome {
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        // Open MPI refuses root without these (the CI container runs as root).
        environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
        environment["OMPI_MCA_mpi_yield_when_idle"] = "1"
        return try await MPIJobs.oneAtATime {
            try await ChildProcess.run(executable, arguments, environment: environment, deadline: .seconds(120))
        }
    }

    static func parameters(_ url: URL) throws -> [Float] {
        let data = try Data(contentsOf: url)
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// The sizes of flatten-linear(32)-relu-linear(10)'s tensors, in order.
    static let tensorSizes = [32 * 784, 32, 10 * 32, 10]

    /// Checks that `mpi-equivalence`'s two ranks (their output in `distributed`, their parameters
    /// in `directory`) trained the model the single process did (`directory`'s single.f32), 100
    /// steps on `samples` images, each rank reporting the local rank `localRanks[rank]`.
    static func expectTrainedAsOneProcess(
        _ distributed: ChildProcess.Outcome, samples: Int, localRanks: [Int], directory: URL,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        for rank in 0..<2 {
            #expect(distributed.standardOutput.contains("rank \(rank): allreduce average and barrier agree"), sourceLocation: sourceLocation)
            #expect(distributed.standardOutput.contains("rank \(rank) of 2 (local rank \(localRanks[rank])): 100 steps"), sourceLocation: sourceLocation)
        }
        // Every epoch ends with both ranks checking that they hold rank 0's parameters bit for bit.
        let epochs = (100 + (samples + 63) / 64 - 1) / ((samples + 63) / 64)
        for rank in 0..<2 {
            for epoch in 1...epochs {
                #expect(distributed.standardOutput.contains("rank \(rank): epoch \(epoch): parameters identical across ranks"),
                        sourceLocation: sourceLocation)
            }
        }
        let rank0 = try Self.parameters(directory.appendingPathComponent("rank-0.f32"))
        let rank1 = try Self.parameters(directory.appendingPathComponent("rank-1.f32"))
        let alone = try Self.parameters(directory.appendingPathComponent("single.f32"))
        #expect(rank0.count == Self.tensorSizes.reduce(0, +) && alone.count == rank0.count, sourceLocation: sourceLocation)
        #expect(rank0.map(\.bitPattern) == rank1.map(\.bitPattern), "the ranks' final parameters differ", sourceLocation: sourceLocation)

        // Relative to each tensor's largest magnitude: the sums run in another order over two
        // batches of 32 than over one of 64, so the last bits differ.
        var start = 0
        for (tensor, size) in Self.tensorSizes.enumerated() {
            let range = start..<(start + size)
            let scale = alone[range].map(abs).max() ?? 0
            let difference = zip(rank0[range], alone[range]).map { abs($0 - $1) }.max() ?? 0
            #expect(scale > 0 && difference <= 1e-5 * scale, "tensor \(tensor): largest difference \(difference), largest magnitude \(scale)",
                    sourceLocation: sourceLocation)
            start += size
        }
        // Training moved the parameters: the comparison is not between two untouched initialisations.
        #expect(!distributed.standardOutput.contains("last loss nan"), sourceLocation: sourceLocation)
    }

    /// 1,280 images are 20 full global batches an epoch; 1,251 end every epoch with 35 samples,
    /// 18 on rank 0 and 17 on rank 1, which only weighting the ranks by batch size gets right.
    /// The second run also sends its 25,451-element gradient buffer in pieces of 1,000.
    @Test(arguments: [(1280, Int(Int32.max)), (1251, 1000)])
    func twoRanksTrainAsOneProcessWithTheGlobalBatch(samples: Int, chunk: Int) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mpi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let common = ["--data", Self.root.appendingPathComponent("Fixtures/mnist").path, "--steps", "100",
                      "--samples", "\(samples)", "--output", directory.path]

        let distributed = try await Self.run(MPIRun.path!, ["--allow-run-as-root", "--oversubscribe", "-np", "2", Self.program,
                                                              "--distributed", "--batch-size", "32", "--chunk", "\(chunk)"] + common)
        #expect(distributed.status == 0 && !distributed.timedOut, "\(distributed.standardOutput)\(distributed.standardError)")
        let single = try await Self.run(Self.program, ["--batch-size", "64"] + common)
        #expect(single.status == 0 && !single.timedOut, "\(single.standardError)")

        // One machine: each rank's local rank (from MPI_Comm_split_type) is its rank.
        try Self.expectTrainedAsOneProcess(distributed, samples: samples, localRanks: [0, 1], directory: directory)
    }

    /// Ranks whose models differ in size stop at start-up with a message naming the rank and
    /// both sizes, instead of broadcasting into buffers of another length.
    @Test func ranksWithDifferentModelsStopAtStartUp() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mpi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try await Self.run(MPIRun.path!, [
            "--allow-run-as-root", "--oversubscribe", "-np", "2", Self.program, "--distributed", "--batch-size", "32",
            "--data", Self.root.appendingPathComponent("Fixtures/mnist").path, "--output", directory.path, "--mismatched-rank", "1",
        ])
        #expect(outcome.status != 0 && !outcome.timedOut)
        // 784·32 + 32 + 32·10 + 10 = 25,450 scalars; with 33 hidden units 26,245.
        let text = outcome.standardOutput + outcome.standardError
        let messages = ["rank 0: the ranks' models differ: rank 0's holds 25450 scalars, and the ranks range over 25450…26245",
                        "rank 1: the ranks' models differ: rank 1's holds 26245 scalars, and the ranks range over 25450…26245"]
        #expect(messages.contains { text.contains($0) }, "\(text)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("rank-0.f32").path))
    }
}
