import Testing
@testable import Loaders

/// The README's first example, run as written on the bundled MNIST.
@Suite struct ReadmeExampleTests {
    /// Expected: the training label counts published with MNIST (../shared/datasets/README.md).
    @Test func oneShuffledEpochDeliversEveryTrainingSampleOnce() async throws {
        let train = try MNIST(directory: IDXFixtures.mnist, split: .train)
        let loader = DataLoader(train, batchSize: 64, shuffle: true, dropLast: false, workers: 2, seed: 42)
        var labelCounts = [Int](repeating: 0, count: 10)
        var batches = 0
        var firstLabels: [Int32] = []
        for try await batch in loader {
            if batches == 0 { firstLabels = batch.labels!.scalars }
            #expect(batch.features.shape == [batch.count, 1, 28, 28])
            for label in batch.labels!.scalars { labelCounts[Int(label)] += 1 }
            batches += 1
        }
        #expect(batches == 938)  // ceil(60000 / 64)
        #expect(labelCounts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])

        // The next pass is the next epoch: reshuffled.
        var next = loader.makeIterator()
        #expect(try next.next()?.labels!.scalars != firstLabels)
    }
}
