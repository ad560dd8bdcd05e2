import Foundation
import Loaders
import Testing
@testable import LoadersHDF5

/// The damaged files the HDF5 mutation campaign found mishandled, each made by
/// Fixtures/hdf5/make_damaged.py from a committed fixture with a few bytes changed.
@Suite struct HDF5FuzzRegressionTests {
    /// libhdf5 1.10's H5Literate aborts the process (free(): invalid pointer) on this file's root
    /// group, whose dense link storage lost its fractal heap's signature; listing it is an error.
    @Test func denseGroupWithADamagedHeapIsATypedError() throws {
        let path = Fixtures.path("damaged_link_heap.h5")
        let error = #expect(throws: LoaderError.self) { try HDF5File(path).datasets() }
        #expect(error?.path == path)
        #expect(error?.location == .datasetPath("/"))
        #expect(error?.message.contains("cannot list group") == true)
    }

    /// [9, 7493989779944505346, 0] holds no elements, but its first product overflows, which
    /// trapped in `HDF5DatasetInfo.elementCount`; the listing leaves the dataset out.
    @Test func shapeWhoseExtentsOverflowIsRefused() throws {
        let file = try HDF5File(Fixtures.path("damaged_shape_overflow.h5"))
        let error = #expect(throws: LoaderError.self) { try file.info("/images") }
        #expect(error?.code == .unsupported)
        #expect(error?.location == .datasetPath("/images"))
        #expect(try file.datasets().map(\.path) == ["/chunked", "/labels"])
    }

    /// The first chunk's index key is damaged: walking the index still finds it, H5Dread's search
    /// does not and reads rows 0..<4 as never written (as h5py, on HDF5 2.0, does too).
    @Test func damagedChunkIndexEntryIsRefusedNotReadTwoWays() throws {
        let file = try HDF5File(Fixtures.path("damaged_chunk_index.h5"))
        let error = #expect(throws: LoaderError.self) { try file.read("/little/i8", as: Int64.self) }
        #expect(error?.code == .malformed)
        #expect(error?.location == .datasetPath("/little/i8"))
        #expect(error?.message.contains("chunk index entry for the chunk at [0, 0]") == true)
        #expect(try file.read("/little/i8", as: Int64.self, strategy: .libhdf5).scalars == [0, 0, 0, 0, 2, 3])
        // The datasets around it are untouched.
        let expected = try #require(Fixtures.expected("byte_orders.h5", "/little/i4"))
        #expect(try file.read("/little/i4", as: Int64.self).scalars.map(String.init) == expected.text)
    }

    /// libhdf5 unshuffles by the element size the filter stores (212 here), not the type's (2),
    /// and refuses deflate parameters other than one level of at most 9.
    @Test(arguments: [
        ("damaged_shuffle.h5", "/little/u2", "shuffle filter parameters [212] do not match the 2-byte elements"),
        ("damaged_deflate.h5", "/tiles", "deflate filter with invalid parameters"),
        ("damaged_fill_time.h5", "/sparse", "unknown fill time 10"),
        ("damaged_maxshape.h5", "/images", "dimension 0 of shape [20, 4, 5] exceeds its maximum 0"),
        ("damaged_chunk_shape.h5", "/images", "dimension 2 of chunks [5, 4, 32772] exceeds the dataset's maximum 4"),
    ])
    func damagedDescriptionIsMalformed(file: String, dataset: String, message: String) {
        let path = Fixtures.path(file)
        let error = #expect(throws: LoaderError.self) { try HDF5File(path).info(dataset) }
        #expect(error?.code == .malformed)
        #expect(error?.path == path)
        #expect(error?.location == .datasetPath(dataset))
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    /// 524,299 rows in chunks of 3, four written: libhdf5 reads them a row of chunks at a time
    /// (one H5Dread over all 174,767 chunks held 670 MB) and gives what the direct path gives,
    /// h5py's 11 labels and then the fill value 0.
    @Test func manyChunksReadThroughLibhdf5ABlockAtATime() throws {
        let file = try HDF5File(Fixtures.path("damaged_extent.h5"))
        let labels = try #require(Fixtures.expected("resizable.h5", "/labels"))
        let expected = labels.text.map { Int64($0)! } + [Int64](repeating: 0, count: 524_299 - 11)
        #expect(try file.read("/labels", as: Int64.self, strategy: .libhdf5).scalars == expected)
        #expect(try file.read("/labels", as: Int64.self).scalars == expected)
        #expect(try file.read("/labels", rows: 5..<100_000, as: Int64.self, strategy: .libhdf5).scalars == Array(expected[5..<100_000]))
    }

    /// With fill time "never", H5Dread leaves never-written chunks as the buffer held them; both
    /// strategies give zeros there, and h5py's values where chunks were written.
    @Test func neverWrittenChunksWithoutAFillTimeReadAsZeros() throws {
        let path = Fixtures.path("fill_time_never.h5")
        let file = try HDF5File(path)
        // h5py's /sparse with 0 in the 8-row chunks never written: all but rows 8..<16 and
        // 32..<40 (whose chunk was written whole, fill values included, for rows 33 and 34).
        let written = try #require(Fixtures.expected("chunked_gzip_shuffle.h5", "/sparse"))
        let expected = written.text.enumerated().map { index, text in
            let row = index / 3
            return (8..<16).contains(row) || (32..<40).contains(row) ? Int64(text)! : 0
        }
        #expect(try file.read("/sparse", as: Int64.self).scalars == expected)
        #expect(try file.read("/sparse", as: Int64.self, strategy: .libhdf5).scalars == expected)
        let stored = try StoredDataset(file: file, datasetPath: "/sparse", strategy: .libhdf5)
        var bytes = [UInt8](repeating: 0xAA, count: 8 * stored.rowByteCount)
        try bytes.withUnsafeMutableBytes { try stored.readRowsThroughLibrary(0..<8, into: $0) }
        #expect(bytes.allSatisfy { $0 == 0 })
    }
}
