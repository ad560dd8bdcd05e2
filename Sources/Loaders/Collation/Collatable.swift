/// A sample type that knows how to combine many samples into one batch.
///
/// `Example` stacks into `Batch`; a custom sample type conforms to be loaded by `DataLoader`.
public protocol Collatable: Sendable {
    associatedtype Collated: Sendable

    /// Combines `samples`, read at dataset positions `indices`, into one batch.
    /// - Throws: a `LoaderError` when the samples cannot be combined, naming the sample index
    ///   and the shapes that disagree.
    static func collate(_ samples: [Self], indices: [Int]) throws -> Collated
}
