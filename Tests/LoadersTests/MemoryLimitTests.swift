import Loaders
import Testing

/// Sizes that come from a dataset's count or a loader's arguments are checked before anything is
/// allocated for them.
@Suite struct MemoryLimitTests {
    /// `RangeDataset`'s samples, with a file to name.
    struct NamedRangeDataset: Dataset {
        let count: Int
        var origin: String? { "declared.h5" }
        func sample(at index: Int) throws -> Example { try RangeDataset(count: count).sample(at: index) }
    }

    /// 2^40 samples would take 16 TiB of indices: more than any machine has, so the default
    /// limit refuses it whatever machine runs the test.
    @Test(arguments: [0, 2])
    func anEpochWhoseOrderCannotFitIsATypedErrorFromTheFirstNext(workers: Int) async throws {
        let loader = DataLoader(NamedRangeDataset(count: 1 << 40), batchSize: 1 << 20, shuffle: true, workers: workers, seed: 1)
        var iterator = loader.makeAsyncIterator()
        let error = try #require(await #expect(throws: LoaderError.self) { try await iterator.next() })
        #expect(error.code == .resourceExhausted)
        #expect(error.path == "declared.h5")
        // 2^40 indices and their copy in 2^20 batches: 2^44 + 2^25 bytes.
        #expect(error.message.hasPrefix("the order of epoch 1 (1048576 batches) needs 16.0 TiB, more than the memory limit of "))
        // The iterator has ended; a later epoch says the same.
        #expect(try await iterator.next() == nil)
        var synchronous = loader.makeIterator()
        #expect(throws: LoaderError.self) { try synchronous.next() }
    }

    @Test func theOrdersMemoryCountsIndicesTwiceAndEveryBatchsArray() {
        let sampler = BatchSampler(SequentialSampler(count: 100), batchSize: 30, dropLast: false)
        #expect(sampler.orderBytes == 100 * 16 + 4 * 32)
        #expect(BatchSampler(SequentialSampler(count: Int.max / 8), batchSize: 1, dropLast: false).orderBytes == nil)
    }

    @Test func aSizeThatOverflowsNeverFits() {
        #expect(MemoryLimit.product([1 << 40, 1 << 30]) == nil)
        #expect(MemoryLimit.product([3, -1]) == nil)
        #expect(MemoryLimit.product([]) == 1)
        #expect(MemoryLimit.product([0, Int.max, Int.max]) == 0)
        let error = #expect(throws: LoaderError.self) { try MemoryLimit.check(nil, for: "a batch", path: "a.h5") }
        #expect(error?.message.hasPrefix("a batch needs more than 8.0 EiB") == true)
        #expect(throws: Never.self) { try MemoryLimit.check(0, for: "nothing") }
        #expect(MemoryLimit.available > 0)
    }

    /// A prefetch whose product with the workers overflows `Int` is as good as one as large as the
    /// epoch: the same batches as without workers, and no arithmetic trap.
    @Test(arguments: [1, 2, 3])
    func aHugePrefetchGivesTheSameBatches(workers: Int) throws {
        let dataset = RangeDataset(count: 37)
        let plain = DataLoader(dataset, batchSize: 4, shuffle: true, seed: 9)
        let huge = DataLoader(dataset, batchSize: 4, shuffle: true, workers: workers, prefetch: Int.max, seed: 9)
        var expected = plain.makeIterator(), actual = huge.makeIterator()
        var batches = 0
        while let batch = try expected.next() {
            #expect(try actual.next() == batch)
            batches += 1
        }
        #expect(try actual.next() == nil)
        #expect(batches == 10)
    }
}
