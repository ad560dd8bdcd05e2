import CMPI
import Foundation
import Loaders

/// What the ranks of a job must agree on, checked before training, and sums every rank computes
/// alike: so that a rank started with other settings is named at start-up, and every rank reports
/// the same totals.
extension MPIProcessGroup {
    /// Stops every rank unless all hold rank 0's `settings`: the rank that differs names each
    /// setting, its value and rank 0's, and the others name that rank, so the job ends at start-up
    /// instead of training diverging models or waiting in a collective for ever.
    ///
    /// Every rank must call it at the same point.
    ///
    /// ```swift
    /// try group.requireSameSettings(["seed": "\(seed)", "dataset count": "\(data.count)"])
    /// // on a rank started with seed 2: "rank 1: seed is 2 here and 1 on rank 0"
    /// ```
    /// - Parameter settings: this rank's settings by name (`DataLoader.settings` holds the order's).
    /// - Throws: `LoaderError(.communication)` on every rank when any rank's settings differ from
    ///   rank 0's, or when a collective fails.
    public func requireSameSettings(_ settings: [String: String]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let reference = try broadcast(bytes: rank == 0 ? Array(try encoder.encode(settings)) : [], from: 0)
        let differences: [String]
        if let rootSettings = try? JSONDecoder().decode([String: String].self, from: Data(reference)) {
            differences = Set(settings.keys).union(rootSettings.keys).sorted().compactMap { name in
                let (here, there) = (settings[name], rootSettings[name])
                return here == there ? nil : "\(name) is \(here ?? "not set") here and \(there ?? "not set") on rank 0"
            }
        } else {
            differences = ["rank 0's settings (\(reference.count) bytes) do not read as settings"]
        }
        let firstDiffering = try range(of: differences.isEmpty ? Int64.max : Int64(rank)).lowerBound
        if !differences.isEmpty {
            throw LoaderError(.communication, "rank \(rank): \(differences.joined(separator: "; "))")
        }
        if firstDiffering != Int64.max {
            throw LoaderError(.communication, "rank \(rank): stopping, since rank \(firstDiffering)'s settings differ from rank 0's")
        }
    }

    /// The elementwise sums of every rank's `values`, added in rank order so that every rank gets
    /// the same bits (`MPI_Allreduce` may add in another order on each rank).
    /// - Precondition: `values.count` is the same on every rank.
    /// - Throws: `LoaderError(.communication)` naming `MPI_Allgather` and MPI's error.
    public func sum(_ values: [Double]) throws -> [Double] {
        try requireRunning()
        let stride = MemoryLayout<Double>.stride
        require(values.count <= Int(Int32.max) / stride / max(1, worldSize), "sum of \(values.count) values is too large for one MPI call")
        var gathered = [Double](repeating: 0, count: values.count * worldSize)
        try values.withUnsafeBytes { mine in
            try gathered.withUnsafeMutableBytes { all in
                try MPICalls.check("MPI_Allgather") {
                    MPI_Allgather(mine.baseAddress, Int32(mine.count), cmpi_byte(), all.baseAddress, Int32(mine.count), cmpi_byte(),
                                  cmpi_comm_world())
                }
            }
        }
        var sums = [Double](repeating: 0, count: values.count)
        for rank in 0..<worldSize {
            for i in values.indices { sums[i] += gathered[rank * values.count + i] }
        }
        return sums
    }

    /// Rank `root`'s `bytes` on every rank, whatever their length there.
    /// - Throws: `LoaderError(.communication)` naming `MPI_Bcast` and MPI's error.
    public func broadcast(bytes: [UInt8], from root: Int = 0) throws -> [UInt8] {
        require((0..<worldSize).contains(root), "broadcast root \(root) is outside 0..<\(worldSize)")
        try requireRunning()
        var count = Int64(bytes.count)
        try MPICalls.check("MPI_Bcast") { MPI_Bcast(&count, 1, cmpi_int64(), Int32(root), cmpi_comm_world()) }
        var received = rank == root ? bytes : [UInt8](repeating: 0, count: Int(count))
        try received.withUnsafeMutableBytes { buffer in
            try MPICalls.inChunks("MPI_Bcast", count: buffer.count, stride: 1, start: buffer.baseAddress, chunk: chunk) {
                MPI_Bcast($0, $1, cmpi_byte(), Int32(root), cmpi_comm_world())
            }
        }
        return received
    }
}
