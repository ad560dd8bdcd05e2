/// Combines the gradients of processes training one model on different parts of each batch,
/// between the backward pass and the optimizer step (data-parallel training).
///
/// `Trainer` calls it when its `gradientSynchronizer` is set. After the call every process must
/// hold the same gradients, so that the same optimizer step keeps the parameters identical.
/// LoadersMPI's `MPIGradientAverager` is one over MPI; Training itself needs no transport.
public protocol GradientSynchronizer: AnyObject {
    /// Replaces each parameter's gradient by the combination over all processes.
    ///
    /// - Parameters:
    ///   - parameters: the model's parameters, in the same order on every process.
    ///   - samples: the samples this process's gradients were averaged over (its batch size), so
    ///     that ranks with unequal batches are weighted as one batch of all their samples.
    /// - Throws: a `LoaderError` when the processes cannot exchange the gradients.
    func synchronize(_ parameters: [Parameter], samples: Int) throws
}
