import Testing
@testable import Loaders

@Suite struct CollationTests {
    @Test func examplesStackIntoABatch() throws {
        let samples = [
            Example(features: Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), label: 7),
            Example(features: Tensor(shape: [2, 2], scalars: [5, 6, 7, 8]), label: 1),
            Example(features: Tensor(shape: [2, 2], scalars: [9, 10, 11, 12]), label: 0),
        ]
        let batch = try Example.collate(samples, indices: [4, 8, 15])
        #expect(batch.features.shape == [3, 2, 2])
        #expect(batch.features.scalars == (1...12).map(Float.init))
        #expect(batch.labels!.shape == [3])
        #expect(batch.labels!.scalars == [7, 1, 0])
    }

    @Test func mismatchedShapesNameTheSampleAndBothShapes() {
        let samples = [
            Example(features: Tensor(shape: [1, 28, 28], repeating: 0), label: 0),
            Example(features: Tensor(shape: [1, 28, 27], repeating: 0), label: 0),
        ]
        do {
            _ = try Example.collate(samples, indices: [10, 11])
            Issue.record("collating different shapes succeeded")
        } catch let error as LoaderError {
            #expect(error.code == .mismatch)
            #expect(error.location == .sampleIndex(11))
            #expect(error.message.contains("[1, 28, 27]") && error.message.contains("[1, 28, 28]"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func labelsOutsideInt32AreRejected() {
        let samples = [Example(features: Tensor(shape: [1], repeating: 0), label: Int(Int32.max) + 1)]
        #expect(throws: LoaderError.self) { try Example.collate(samples, indices: [0]) }
    }
}
