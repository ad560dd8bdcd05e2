/// An order in which to visit a dataset in mini-batches, one epoch at a time.
///
/// `BatchSampler` groups any `Sampler`'s indices; conform a custom type to form batches of your
/// own (for example, batches of similar-length samples). An epoch's batches are a pure function of
/// the seed and `epoch`.
public protocol BatchSampling: Sendable {
    /// The number of batches `batches(epoch:)` returns, for every epoch.
    var count: Int { get }

    /// The batches of dataset indices for epoch `epoch`, in order; exactly `count` of them.
    func batches(epoch: Int) -> [[Int]]
}
