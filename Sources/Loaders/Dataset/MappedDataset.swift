/// A dataset whose samples are another dataset's, passed through a transform.
///
/// Made by `Dataset.map(_:)`; the transform runs on the worker that reads the sample.
public struct MappedDataset<Base: Dataset, Element: Sendable>: Dataset {
    public let base: Base
    private let transform: @Sendable (Base.Element) throws -> Element

    /// - Parameters:
    ///   - base: the dataset to read from.
    ///   - transform: applied to every sample as it is read.
    public init(_ base: Base, transform: @escaping @Sendable (Base.Element) throws -> Element) {
        self.base = base
        self.transform = transform
    }

    public var origin: String? { base.origin }
    public var count: Int { base.count }

    public func sample(at index: Int) throws -> Element {
        try transform(base.sample(at: index))
    }

    public func samples(at indices: [Int]) throws -> [Element] {
        try samples(at: indices, epoch: 1)
    }

    public func samples(at indices: [Int], epoch: Int) throws -> [Element] {
        try base.samples(at: indices, epoch: epoch).map(transform)
    }
}
