import Foundation
import Loaders
import Testing
@testable import LoadersHDF5

/// One row per chunk (h5py's usual layout for appended data) and datasets declaring far more
/// rows than were written: chunks are found by the index search, the index is walked only to
/// check a chunk the search missed, and nothing is sized by the declared shape.
@Suite struct HDF5ChunkIndexTests {
    static let rowChunks = Fixtures.path("row_chunks.h5")

    /// Every row of each dataset, through both strategies, as h5py read it.
    @Test(arguments: ["/images", "/labels", "/plain_images", "/sparse"], [HDF5ReadStrategy.direct, .libhdf5])
    func oneRowChunksReadAsH5pyReadsThem(dataset: String, strategy: HDF5ReadStrategy) throws {
        let entry = try LimitsFixtures.entry("row_chunks.h5", dataset)
        let tensor = try HDF5File(Self.rowChunks).read(dataset, as: Int.self, strategy: strategy)
        #expect(tensor.shape == entry["shape"] as? [Int])
        let (sum, weighted) = LimitsFixtures.digest(tensor.scalars)
        let expected = try LimitsFixtures.expectedDigest(entry)
        #expect(sum == expected.sum)
        #expect(weighted == expected.weightedSum)
    }

    /// A fully written dataset is read without a single walk of its chunk index (libhdf5 1.10's
    /// walk costs O(chunks) per call, which made an epoch quadratic).
    @Test func fullyWrittenChunksAreFoundWithoutWalkingTheIndex() throws {
        let file = try HDF5File(Self.rowChunks)
        let stored = try StoredDataset(file: file, datasetPath: "/images")
        for block in 0..<stored.blockCount { _ = try stored.readBlock(block) }
        #expect(stored.allocatedChunks.withLock { $0 } == nil)
    }

    /// Unfiltered chunks hold nothing to decode: H5Dread reads them, sized by the chunk shape
    /// rather than by what a possibly damaged index entry claims.
    @Test func unfilteredChunksAreReadByH5Dread() throws {
        let stored = try StoredDataset(file: HDF5File(Self.rowChunks), datasetPath: "/plain_images")
        guard case .library = stored.source else {
            Issue.record("unfiltered chunks are decoded here")
            return
        }
        #expect(stored.blockRows == 1)
    }

    /// Never-written chunks of a partly written dataset: the index is counted once (as h5py's
    /// get_num_chunks counts it), and each missing chunk reads as the fill value.
    @Test func partlyWrittenChunksCountTheIndexOnce() throws {
        let entry = try LimitsFixtures.entry("row_chunks.h5", "/sparse")
        let file = try HDF5File(Self.rowChunks)
        let stored = try StoredDataset(file: file, datasetPath: "/sparse")
        for block in 0..<stored.blockCount { _ = try stored.readBlock(block) }
        #expect(stored.allocatedChunks.withLock { $0 } == entry["stored_chunks"] as? Int)
    }

    /// More chunks than a walk per miss may check, all stored: a chunk the index search misses
    /// is refused by the count (H5Dread would read it as the fill value), and the rows before it read.
    @Test func missedChunkOfAFullLargeIndexIsRefused() throws {
        let path = Fixtures.path("damaged_large_index.h5")
        let entry = try LimitsFixtures.entry("damaged_large_index.h5", "/labels")
        let file = try HDF5File(path)
        let error = #expect(throws: LoaderError.self) { try file.read("/labels", as: Int.self) }
        #expect(error?.code == .malformed)
        #expect(error?.location == .datasetPath("/labels"))
        #expect(error?.message.contains("chunk index entry for the chunk at [57] is damaged") == true, "\(String(describing: error))")
        let first = try LimitsFixtures.expectedDigest(try #require(entry["first_rows"] as? [String: Any]))
        let (sum, weighted) = LimitsFixtures.digest(try file.read("/labels", rows: 0..<57, as: Int.self).scalars)
        #expect(sum == first.sum && weighted == first.weightedSum)
        let stored = try StoredDataset(file: file, datasetPath: "/labels")
        #expect(throws: LoaderError.self) { try stored.readBlock(57) }
        let count = try #require(entry["stored_chunks"] as? Int)
        #expect(count > StoredDataset.walkCheckedChunkCount)
        #expect(stored.allocatedChunks.withLock { $0 } == count)
        let fill = try #require(entry["fillvalue"] as? Int)
        #expect(try file.read("/labels", rows: 57..<58, as: Int.self, strategy: .libhdf5).scalars == [fill])
    }

    /// A loader epoch in shuffled order over one-row chunks delivers h5py's rows and labels.
    @Test func shuffledEpochOverOneRowChunks() throws {
        let images = try LimitsFixtures.entry("row_chunks.h5", "/images")
        let labels = try LimitsFixtures.entry("row_chunks.h5", "/labels")
        let dataset = try HDF5Dataset(Self.rowChunks, features: "/images", labels: "/labels")
        let order = Array((0..<dataset.count).reversed())
        let samples = try dataset.samples(at: order)
        let pixels = order.indices.reversed().flatMap { samples[$0].features.scalars.map { Int(($0 * 255).rounded()) } }
        let (pixelSum, pixelWeighted) = LimitsFixtures.digest(pixels)
        #expect(pixelSum == (try LimitsFixtures.expectedDigest(images)).sum)
        #expect(pixelWeighted == (try LimitsFixtures.expectedDigest(images)).weightedSum)
        let (labelSum, labelWeighted) = LimitsFixtures.digest(order.indices.reversed().map { samples[$0].label! })
        #expect(labelSum == (try LimitsFixtures.expectedDigest(labels)).sum)
        #expect(labelWeighted == (try LimitsFixtures.expectedDigest(labels)).weightedSum)
    }

    /// 2^33 never-written rows open at once, and the last row reads as the fill value h5py reads.
    @Test func declaredRowsBeyondMemoryOpenWithoutAllocating() throws {
        let path = Fixtures.path("declared_huge.h5")
        let dataset = try HDF5Dataset(path, features: "/images", labels: "/labels")
        let shape = try #require(try LimitsFixtures.entry("declared_huge.h5", "/images")["shape"] as? [Int])
        #expect(dataset.count == shape[0])
        #expect(dataset.sampleShape == [1] + shape.dropFirst())
        let last = try dataset.sample(at: dataset.count - 1)
        let pixels = try LimitsFixtures.expectedDigest(try #require(try LimitsFixtures.entry("declared_huge.h5", "/images")["last_row"] as? [String: Any]))
        let (sum, weighted) = LimitsFixtures.digest(last.features.scalars.map { Int(($0 * 255).rounded()) })
        #expect(sum == pixels.sum && weighted == pixels.weightedSum)
        let label = try LimitsFixtures.expectedDigest(try #require(try LimitsFixtures.entry("declared_huge.h5", "/labels")["last_row"] as? [String: Any]))
        #expect(last.label == label.sum)
    }

    /// Reading all 2^33 declared rows at once is refused before anything is allocated, naming the size.
    @Test func wholeReadBeyondMemoryIsRefusedBeforeAllocating() throws {
        let path = Fixtures.path("declared_huge.h5")
        let shape = try #require(try LimitsFixtures.entry("declared_huge.h5", "/images")["shape"] as? [Int])
        let error = #expect(throws: LoaderError.self) { try HDF5File(path).read("/images", as: UInt8.self) }
        #expect(error?.code == .resourceExhausted)
        #expect(error?.path == path)
        #expect(error?.location == .datasetPath("/images"))
        let elements = shape.reduce(1, *)
        #expect(error?.message.hasPrefix("reading \(shape[0]) rows (\(elements) bytes stored, \(elements) elements as UInt8) needs ") == true)
    }

    /// Rows of 20000 x 20000 never-written elements: opening plans one row per block and reads nothing.
    @Test func declaredWideRowsOpenWithoutReading() throws {
        let path = Fixtures.path("declared_huge.h5")
        let shape = try #require(try LimitsFixtures.entry("declared_huge.h5", "/wide")["shape"] as? [Int])
        let dataset = try HDF5Dataset(path, features: "/wide", labels: "/wide_labels", cacheBytes: 0)
        #expect(dataset.count == shape[0])
        #expect(dataset.sampleShape == [1] + shape.dropFirst())
        #expect(dataset.features.stored.blockRows == 1)
        #expect(dataset.features.stored.allocatedChunks.withLock { $0 } == nil)
    }
}
