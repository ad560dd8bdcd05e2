/// A view of chosen samples of another dataset, in the given order, like PyTorch's `Subset`.
///
/// Made by `Dataset.subset(_:)` and `Dataset.randomSplit`.
public struct SubsetDataset<Base: Dataset>: Dataset {
    public let base: Base
    /// The base dataset's index for each of this dataset's positions.
    public let indices: [Int]

    /// - Precondition: every index is in `0..<base.count`.
    public init(_ base: Base, indices: [Int]) {
        require(indices.allSatisfy { (0..<base.count).contains($0) }, "Subset index outside 0..<\(base.count)")
        self.base = base
        self.indices = indices
    }

    public var origin: String? { base.origin }
    public var count: Int { indices.count }

    public func sample(at index: Int) throws -> Base.Element {
        try base.sample(at: indices[index])
    }

    public func samples(at positions: [Int]) throws -> [Base.Element] {
        try samples(at: positions, epoch: 1)
    }

    public func samples(at positions: [Int], epoch: Int) throws -> [Base.Element] {
        try base.samples(at: positions.map { indices[$0] }, epoch: epoch)
    }
}
