/// An order in which to visit a dataset in mini-batches, one epoch at a time.
///
/// `BatchSampler` groups any `Sampler`'s indices; conform a custom type to form batches of your
/// own (for example, batches of similar-length samples). An epoch's batches are a pure function of
/// the seed and `epoch`.
public protocol BatchSampling: Sendable {
    /// The number of batches `batches(epoch:)` returns, for every epoch.
    var count: Int { get }

    /// The batches of dataset indices for epoch `epoch` (counted from 1, as loaders and trainers
    /// number them), in order; exactly `count` of them.
    func batches(epoch: Int) -> [[Int]]

    /// The memory that making one epoch's batches takes, which a loader checks against
    /// `MemoryLimit` before calling `batches(epoch:)`; `nil` when it is past `Int.max`.
    ///
    /// The default counts one index per batch: a lower bound, so the check never refuses what
    /// fits. Report your sampler's own figure when it holds more.
    var orderBytes: Int? { get }

    /// The batches of epoch `epoch` from batch `start` (counted from 0) on: what a loader resumed
    /// at that batch reads.
    ///
    /// The default forms the whole epoch and drops the first `start`, which is right for every
    /// sampler whose epoch is a pure function of its seed and `epoch`; a sampler with state of its
    /// own decides here what the rest of the epoch is.
    func batches(epoch: Int, startingAt start: Int) -> [[Int]]

    /// Every setting the batches depend on, by name, which a saved `LoaderState` records so that it
    /// is resumed only by a sampler forming the same batches.
    ///
    /// The default names the type and `count`; add your sampler's seed and other settings.
    var orderSettings: [String: String] { get }
}

extension BatchSampling {
    public func batches(epoch: Int, startingAt start: Int) -> [[Int]] {
        Array(batches(epoch: epoch).dropFirst(start))
    }

    public var orderSettings: [String: String] {
        ["batch sampler": "\(Self.self)", "batches": "\(count)"]
    }

    public var orderBytes: Int? {
        MemoryLimit.product([count, MemoryLayout<Int>.stride + arrayHeaderBytes])
    }
}

/// What an array takes besides its elements: its heap object's header, count and capacity.
let arrayHeaderBytes = 32
