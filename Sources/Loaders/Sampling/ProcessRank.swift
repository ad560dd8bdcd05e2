import Foundation

/// A process's place in a data-parallel job: its rank among `worldSize` processes, and its rank
/// among those on the same machine.
///
/// `DistributedSampler` and `DistributedBatchSampler` take one to choose this process's share of
/// every epoch. It comes from MPI (`MPIProcessGroup.processRank` in LoadersMPI) or, without MPI,
/// from the environment variables torchrun sets.
///
/// ```swift
/// let process = try ProcessRank.fromEnvironment() ?? .single   // RANK=1 WORLD_SIZE=4 LOCAL_RANK=1
/// let sampler = DistributedSampler(count: 60_000, process: process, seed: 42)
/// ```
public struct ProcessRank: Hashable, Sendable, CustomStringConvertible {
    /// This process's rank, in `0..<worldSize`.
    public let rank: Int
    /// The number of processes in the job.
    public let worldSize: Int
    /// This process's rank among the job's processes on its machine (for choosing a device or cores).
    public let localRank: Int

    /// - Precondition: `worldSize >= 1`, `0 <= rank < worldSize`, `0 <= localRank <= rank`.
    public init(rank: Int, worldSize: Int, localRank: Int? = nil) {
        require(worldSize >= 1, "ProcessRank worldSize must be at least 1, got \(worldSize)")
        require((0..<worldSize).contains(rank), "ProcessRank rank \(rank) is outside 0..<\(worldSize)")
        let local = localRank ?? rank
        require((0...rank).contains(local), "ProcessRank localRank \(local) is outside 0...\(rank)")
        self.rank = rank
        self.worldSize = worldSize
        self.localRank = local
    }

    /// The only process of a job that is not distributed.
    public static let single = ProcessRank(rank: 0, worldSize: 1)

    /// Whether this is rank 0, the one that prints, plots and saves.
    public var isFirst: Bool { rank == 0 }

    public var description: String { "rank \(rank) of \(worldSize) (local rank \(localRank))" }

    /// The place torchrun (and other launchers following it) gives in `RANK`, `WORLD_SIZE` and
    /// `LOCAL_RANK`, or `nil` when neither `RANK` nor `WORLD_SIZE` is set.
    ///
    /// `LOCAL_RANK` may be missing; it then equals `RANK`, as on one machine.
    /// - Throws: `LoaderError(.malformed)` naming the variable and its value when a value is not a
    ///   whole number, when only one of `RANK` and `WORLD_SIZE` is set, or when they do not fit
    ///   together (a rank outside the world).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ProcessRank? {
        let rankText = environment["RANK"], worldText = environment["WORLD_SIZE"]
        if rankText == nil && worldText == nil { return nil }
        func number(_ name: String) throws -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw LoaderError(.malformed, "environment variable \(name) is not a whole number: \(LoaderError.quoted(text, limit: 40))")
            }
            return value
        }
        guard let rank = try number("RANK"), let worldSize = try number("WORLD_SIZE") else {
            let missing = rankText == nil ? "RANK" : "WORLD_SIZE"
            throw LoaderError(.malformed, "environment variable \(missing) is missing while \(missing == "RANK" ? "WORLD_SIZE" : "RANK") is set")
        }
        guard worldSize >= 1 else {
            throw LoaderError(.malformed, "environment variable WORLD_SIZE must be at least 1, got \(worldSize)")
        }
        guard (0..<worldSize).contains(rank) else {
            throw LoaderError(.malformed, "environment variable RANK=\(rank) is outside 0..<\(worldSize) (WORLD_SIZE=\(worldSize))")
        }
        let localRank = try number("LOCAL_RANK") ?? rank
        guard (0...rank).contains(localRank) else {
            throw LoaderError(.malformed, "environment variable LOCAL_RANK=\(localRank) is outside 0...\(rank) (RANK=\(rank))")
        }
        return ProcessRank(rank: rank, worldSize: worldSize, localRank: localRank)
    }
}
