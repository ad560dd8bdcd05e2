import CMPI
import Foundation
import Loaders

/// This process's membership of an MPI job (`mpirun -np N …` or Slurm's `srun`): its rank, the
/// world size, and the collective operations data-parallel training needs.
///
/// Create one per process, before any other MPI use, on the thread that trains; `finalize()` (or
/// dropping the last reference) ends MPI for the process, which cannot start it again. MPI is
/// initialised at `MPI_THREAD_SERIALIZED`: the loader's worker threads never call MPI, but the
/// training task may resume on any thread of Swift's cooperative pool, one at a time, which
/// `MPI_THREAD_FUNNELED` would not allow.
///
/// ```swift
/// let group = try MPIProcessGroup()
/// var gradients: [Float] = …
/// try group.allreduce(&gradients, .average)    // every rank now holds the mean
/// ```
public final class MPIProcessGroup {
    /// This process's place in the job, for `DistributedSampler` and `DistributedBatchSampler`.
    public let processRank: ProcessRank
    private var isFinalized = false
    /// Whether this group started MPI, and so ends it.
    private let ownsMPI: Bool
    /// The most elements one MPI call moves: `Int32.max`, MPI's count type's limit, unless a test
    /// sets fewer to make small buffers go in pieces.
    package let chunk: Int

    /// Joins the job this process was launched in (a job of one when started without `mpirun`).
    /// - Throws: `LoaderError(.communication)` when MPI cannot start, has already been ended in
    ///   this process, or does not offer `MPI_THREAD_SERIALIZED`.
    public convenience init() throws {
        try self.init(chunk: Int(Int32.max))
    }

    /// A group whose collectives move at most `chunk` elements per MPI call.
    /// - Precondition: `1 <= chunk <= Int32.max`.
    package init(chunk: Int) throws {
        require((1...Int(Int32.max)).contains(chunk), "MPIProcessGroup chunk \(chunk) is outside 1...\(Int32.max)")
        self.chunk = chunk
        var initialized: Int32 = 0, finalized: Int32 = 0
        try MPICalls.check("MPI_Initialized") { MPI_Initialized(&initialized) }
        try MPICalls.check("MPI_Finalized") { MPI_Finalized(&finalized) }
        guard finalized == 0 else {
            throw LoaderError(.communication, "MPI has already been finalized in this process and cannot start again")
        }
        var provided: Int32 = 0
        if initialized == 0 {
            try MPICalls.check("MPI_Init_thread") { MPI_Init_thread(nil, nil, Int32(MPI_THREAD_SERIALIZED), &provided) }
        } else {
            try MPICalls.check("MPI_Query_thread") { MPI_Query_thread(&provided) }
        }
        ownsMPI = initialized == 0
        guard provided >= Int32(MPI_THREAD_SERIALIZED) else {
            throw LoaderError(.communication, "MPI provides thread level \(provided), and training needs MPI_THREAD_SERIALIZED (\(MPI_THREAD_SERIALIZED))")
        }
        // Return codes instead of MPI's default of aborting the job, so each failure becomes a LoaderError.
        try MPICalls.check("MPI_Comm_set_errhandler") { MPI_Comm_set_errhandler(cmpi_comm_world(), cmpi_errors_return()) }
        var rank: Int32 = 0, size: Int32 = 0
        try MPICalls.check("MPI_Comm_rank") { MPI_Comm_rank(cmpi_comm_world(), &rank) }
        try MPICalls.check("MPI_Comm_size") { MPI_Comm_size(cmpi_comm_world(), &size) }
        processRank = ProcessRank(rank: Int(rank), worldSize: Int(size), localRank: try Self.localRank())
    }

    deinit {
        try? finalize()
    }

    /// This process's rank, in `0..<worldSize`.
    public var rank: Int { processRank.rank }
    /// The number of processes in the job.
    public var worldSize: Int { processRank.worldSize }
    /// This process's rank among the job's processes on its machine.
    public var localRank: Int { processRank.localRank }

    /// The rank among the processes that share this one's memory (its machine), from
    /// `MPI_Comm_split_type(MPI_COMM_TYPE_SHARED)`, which works under any launcher.
    private static func localRank() throws -> Int {
        var local = cmpi_comm_null()
        try MPICalls.check("MPI_Comm_split_type") {
            MPI_Comm_split_type(cmpi_comm_world(), Int32(MPI_COMM_TYPE_SHARED), 0, cmpi_info_null(), &local)
        }
        defer { MPI_Comm_free(&local) }
        var rank: Int32 = 0
        try MPICalls.check("MPI_Comm_rank") { MPI_Comm_rank(local, &rank) }
        return Int(rank)
    }

    /// Waits until every rank has called `barrier()`.
    /// - Throws: `LoaderError(.communication)` naming `MPI_Barrier` and MPI's error.
    public func barrier() throws {
        try requireRunning()
        try MPICalls.check("MPI_Barrier") { MPI_Barrier(cmpi_comm_world()) }
    }

    /// Replaces `values` on every rank by rank `root`'s.
    /// - Precondition: `values.count` is the same on every rank; `0 <= root < worldSize`.
    /// - Throws: `LoaderError(.communication)` naming `MPI_Bcast` and MPI's error.
    public func broadcast(_ values: inout [Float], from root: Int = 0) throws {
        require((0..<worldSize).contains(root), "broadcast root \(root) is outside 0..<\(worldSize)")
        try requireRunning()
        let count = values.count
        try values.withUnsafeMutableBytes { bytes in
            try MPICalls.inChunks("MPI_Bcast", count: count, stride: MemoryLayout<Float>.stride, start: bytes.baseAddress, chunk: chunk) {
                MPI_Bcast($0, $1, cmpi_float(), Int32(root), cmpi_comm_world())
            }
        }
    }

    /// How `allreduce` combines the ranks' values.
    public enum Reduction: Sendable {
        /// The elementwise sum over ranks.
        case sum
        /// The elementwise sum divided by the world size.
        case average
    }

    /// Replaces `values` on every rank by their elementwise sum or average over all ranks, in
    /// place (`MPI_Allreduce` with `MPI_IN_PLACE`), in pieces of at most `Int32.max` elements.
    /// - Precondition: `values.count` is the same on every rank.
    /// - Throws: `LoaderError(.communication)` naming `MPI_Allreduce` and MPI's error.
    public func allreduce(_ values: inout [Float], _ reduction: Reduction) throws {
        try requireRunning()
        let count = values.count
        try values.withUnsafeMutableBytes { bytes in
            try MPICalls.inChunks("MPI_Allreduce", count: count, stride: MemoryLayout<Float>.stride, start: bytes.baseAddress, chunk: chunk) {
                MPI_Allreduce(cmpi_in_place(), $0, $1, cmpi_float(), cmpi_sum(), cmpi_comm_world())
            }
        }
        if reduction == .average {
            let scale = 1 / Float(worldSize)
            for i in values.indices { values[i] *= scale }
        }
    }

    /// The smallest and the largest of `value` over all ranks, e.g. to find a rank that differs.
    /// - Throws: `LoaderError(.communication)` naming `MPI_Allreduce` and MPI's error.
    public func range(of value: Int64) throws -> ClosedRange<Int64> {
        try requireRunning()
        var low = value, high = value
        try MPICalls.check("MPI_Allreduce") { MPI_Allreduce(cmpi_in_place(), &low, 1, cmpi_int64(), cmpi_min(), cmpi_comm_world()) }
        try MPICalls.check("MPI_Allreduce") { MPI_Allreduce(cmpi_in_place(), &high, 1, cmpi_int64(), cmpi_max(), cmpi_comm_world()) }
        return low...high
    }

    /// Ends the whole job at once with exit status `code`, every rank included: what a rank does
    /// on an error the others cannot see, since they would otherwise wait for it forever.
    public func abort(code: Int32 = 1) -> Never {
        MPI_Abort(cmpi_comm_world(), code)
        exit(code)
    }

    /// Ends MPI for this process once every rank gets here (`MPI_Finalize`); later calls do nothing.
    /// Leaves MPI running when it was started before this group.
    /// - Throws: `LoaderError(.communication)` naming `MPI_Finalize` and MPI's error.
    public func finalize() throws {
        guard !isFinalized else { return }
        isFinalized = true
        if ownsMPI { try MPICalls.check("MPI_Finalize") { MPI_Finalize() } }
    }

    func requireRunning() throws {
        guard !isFinalized else {
            throw LoaderError(.communication, "the MPI process group of rank \(rank) has been finalized")
        }
    }
}
