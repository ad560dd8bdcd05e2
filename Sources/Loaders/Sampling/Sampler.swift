/// An order in which to visit a dataset's samples, one epoch at a time.
///
/// An epoch's indices are a pure function of the sampler's seed and `epoch`, so two loaders with
/// equal samplers produce equal batches whatever their worker counts. Conform a custom type to
/// visit samples in an order of your own.
///
/// ```swift
/// let sampler = RandomSampler(count: 10, seed: 42)
/// sampler.indices(epoch: 1)   // a permutation of 0..<10, the same on every run
/// ```
public protocol Sampler: Sendable {
    /// The number of indices `indices(epoch:)` returns, for every epoch.
    var count: Int { get }

    /// The dataset indices to visit in epoch `epoch`, in order; exactly `count` of them.
    func indices(epoch: Int) -> [Int]

    /// Every setting the order depends on, by name, which a saved `LoaderState` records so that it
    /// is resumed only by a sampler making the same order.
    ///
    /// The default names the type and `count`; add your sampler's seed and other settings.
    var orderSettings: [String: String] { get }
}

extension Sampler {
    public var orderSettings: [String: String] {
        ["sampler": "\(Self.self)", "count": "\(count)"]
    }
}
