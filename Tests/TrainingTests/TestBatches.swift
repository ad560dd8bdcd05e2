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

    init(batches: [Batch]) {
        self.batches = batches
    }

    /// Stacks `examples` into batches of `size` (the last may be shorter).
    init(_ examples: [Example], size: Int) throws {
        batches = try stride(from: 0, to: examples.count, by: size).map { start in
            let positions = Array(start..<Swift.min(start + size, examples.count))
            return try Example.collate(positions.map { examples[$0] }, indices: positions)
        }
    }
}

enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String { root.appendingPathComponent(name).path }
}
