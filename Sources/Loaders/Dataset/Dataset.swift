/// A finite collection of samples read by position, in any order: the map-style dataset.
///
/// Conformers implement `count` and `sample(at:)`; formats that can read many rows in one go
/// override `samples(at:)`, which the `DataLoader` calls once per batch.
///
/// ```swift
/// let train = try MNIST(directory: "Fixtures/mnist", split: .train)
/// let first = try train.sample(at: 0)   // Example(features: [1, 28, 28], label: 5)
/// ```
public protocol Dataset<Element>: Sendable {
    associatedtype Element: Sendable = Example

    /// The number of samples; valid indices are `0..<count`.
    var count: Int { get }

    /// Reads the sample at `index`.
    /// - Precondition: `0 <= index < count`.
    /// - Throws: a `LoaderError` naming the file and place when the sample cannot be read.
    func sample(at index: Int) throws -> Element

    /// Reads the samples at `indices`, in that order.
    ///
    /// The default calls `sample(at:)` for each index; formats override it to read runs of rows
    /// at once. An error names the index it failed at.
    /// - Complexity: O(`indices.count`) sample reads.
    func samples(at indices: [Int]) throws -> [Element]

    /// Reads the samples at `indices` as epoch `epoch` (counted from 1) sees them: what a loader
    /// calls. The default is `samples(at:)`, since most data is the same in every epoch; an
    /// `AugmentedDataset` draws each sample's random transform from (seed, epoch, index), and the
    /// datasets that wrap another pass the epoch on.
    func samples(at indices: [Int], epoch: Int) throws -> [Element]

    /// The file the samples come from, named by errors found outside the reader (a batch that
    /// does not collate, an epoch too large for memory); `nil`, the default, for data made in memory.
    var origin: String? { get }
}

extension Dataset {
    public var origin: String? { nil }

    public func samples(at indices: [Int]) throws -> [Element] {
        try indices.map { try sample(at: $0) }
    }

    public func samples(at indices: [Int], epoch: Int) throws -> [Element] {
        try samples(at: indices)
    }
}
