/// A dataset of whatever concrete type, for code that chooses its data at run time (from a
/// command line or a configuration file) and still wants one type to build loaders on.
///
/// ```swift
/// let data: AnyDataset<Example> = path.hasSuffix(".csv") ? AnyDataset(try CSVDataset(path)) : AnyDataset(try MNIST(directory: path, split: .train))
/// ```
public struct AnyDataset<Element: Sendable>: Dataset {
    public let base: any Dataset<Element>

    public init(_ base: any Dataset<Element>) {
        self.base = (base as? AnyDataset<Element>)?.base ?? base
    }

    public var count: Int { base.count }
    public var origin: String? { base.origin }

    public func sample(at index: Int) throws -> Element {
        try base.sample(at: index)
    }

    public func samples(at indices: [Int]) throws -> [Element] {
        try samples(at: indices, epoch: 1)
    }

    public func samples(at indices: [Int], epoch: Int) throws -> [Element] {
        try base.samples(at: indices, epoch: epoch)
    }
}
