import Foundation
import Loaders
@testable import Training

/// Batches held in memory, served as an async sequence like a data loader's.
struct TestBatches: AsyncSequence, Sendable {
    typealias Element = Batch
    let batches: [Batch]

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: ArraySlice<Batch>
        mutating func next() async throws -> Batch? { remaining.popFirst() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: batches[...]) }

    /// Stacks `examples` into batches of `size` (the last may be shorter).
    init(_ examples: [Example], size: Int) {
        batches = stride(from: 0, to: examples.count, by: size).map { start in
            let part = examples[start..<Swift.min(start + size, examples.count)]
            let shape = [part.count] + part.first!.features.shape
            return Batch(features: Tensor(shape: shape, scalars: part.flatMap(\.features.scalars)),
                         labels: Tensor(shape: [part.count], scalars: part.map { Int32($0.label) }))
        }
    }
}

enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String { root.appendingPathComponent(name).path }
}
