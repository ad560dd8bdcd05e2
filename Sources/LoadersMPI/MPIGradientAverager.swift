import Loaders
import Training

/// Averages the gradients of every rank before each optimizer step, so that data-parallel ranks
/// take the same step and their parameters stay bit-identical (Horovod's and PyTorch
/// DistributedDataParallel's rule).
///
/// All gradients travel in one buffer, one `MPI_Allreduce` per step. Each rank's gradients are
/// weighted by its batch size, and the sum divided by the ranks' total: the gradient of the mean
/// loss over the global batch, even when the last batches are unequal. Batch sizes must stay
/// below 2²⁴ samples per global batch, which a `Float` counts exactly.
///
/// ```swift
/// let group = try MPIProcessGroup()
/// try group.broadcastState(of: model)              // rank 0's initial parameters everywhere
/// trainer.gradientSynchronizer = MPIGradientAverager(group: group)
/// ```
public final class MPIGradientAverager: GradientSynchronizer {
    public let group: MPIProcessGroup
    /// The weighted gradients, then the sample count: reused from step to step.
    private var buffer: [Float] = []

    public init(group: MPIProcessGroup) {
        self.group = group
    }

    /// - Throws: `LoaderError(.communication)` when the allreduce fails, or when no rank had a
    ///   sample in this step.
    public func synchronize(_ parameters: [Parameter], samples: Int) throws {
        let weight = Float(samples)
        buffer.removeAll(keepingCapacity: true)
        for parameter in parameters {
            parameter.gradient.scalars.withUnsafeBufferPointer { gradient in
                for value in gradient { buffer.append(value * weight) }
            }
        }
        buffer.append(weight)
        try group.allreduce(&buffer, .sum)
        let total = buffer[buffer.count - 1]
        guard total > 0 else {
            throw LoaderError(.communication, "no rank had a sample in this training step")
        }
        var offset = 0
        for parameter in parameters {
            let count = parameter.gradient.count
            buffer.withUnsafeBufferPointer { summed in
                parameter.gradient.scalars.withUnsafeMutableBufferPointer { gradient in
                    for i in 0..<count { gradient[i] = summed[offset + i] / total }
                }
            }
            offset += count
        }
    }
}

extension MPIProcessGroup {
    /// Gives every rank rank `root`'s parameters and buffers (a model's `state`), so that all
    /// start from the same weights whatever their seeds.
    /// - Throws: `LoaderError(.communication)` when a rank's model holds a different number of
    ///   scalars than another's (thrown on every rank, before any value moves), or when the
    ///   broadcast fails.
    public func broadcastState(of model: any Layer, from root: Int = 0) throws {
        let state = model.state
        let count = state.reduce(0) { $0 + $1.value.count }
        let counts = try range(of: Int64(count))
        guard counts.lowerBound == counts.upperBound else {
            throw LoaderError(.communication, "the ranks' models differ: rank \(rank)'s holds \(count) scalars, and the ranks range over \(counts.lowerBound)…\(counts.upperBound)")
        }
        var values: [Float] = []
        values.reserveCapacity(count)
        for parameter in state { values.append(contentsOf: parameter.value.scalars) }
        try broadcast(&values, from: root)
        var offset = 0
        for parameter in state {
            let n = parameter.value.count
            parameter.value.scalars.withUnsafeMutableBufferPointer { destination in
                for i in 0..<n { destination[i] = values[offset + i] }
            }
            offset += n
        }
    }
}
