import Foundation
import Loaders
import Testing
@testable import LoadersHDF5

@Suite struct HDF5FileTests {
    @Test func fixturesAreThere() {
        #expect(Fixtures.expected.count >= 30)
    }

    @Test(arguments: ["contiguous_uint8.h5", "chunked_gzip_shuffle.h5", "nested.h5", "byte_orders.h5", "resizable.h5", "userblock.h5"])
    func listsEveryDatasetWithTypeAndShape(file: String) throws {
        let listed = try HDF5File(Fixtures.path(file)).datasets()
        let expected = Fixtures.expected.filter { $0.file == file }
        #expect(listed.map(\.path) == expected.map(\.dataset))
        for (info, entry) in zip(listed, expected) {
            #expect(info.elementType.name == entry.dtype, "\(entry.dataset)")
            #expect(info.byteOrder.rawValue == entry.byteOrder, "\(entry.dataset)")
            #expect(info.shape == entry.shape, "\(entry.dataset)")
            #expect(info.maxShape == entry.maxShape, "\(entry.dataset)")
            #expect(info.chunkShape == entry.chunks, "\(entry.dataset)")
        }
    }

    @Test func describesLayoutsAndFilters() throws {
        let chunked = try HDF5File(Fixtures.path("chunked_gzip_shuffle.h5")).info("/images")
        #expect(chunked.layout == .chunked)
        #expect(chunked.filters == [.shuffle, .deflate(level: 4)])
        let nested = try HDF5File(Fixtures.path("nested.h5")).info("/data/test/x")
        #expect(nested.filters == [.shuffle, .deflate(level: 4), .fletcher32])
        let resizable = try HDF5File(Fixtures.path("resizable.h5"))
        #expect(try resizable.info("/images").isResizable)
        #expect(try resizable.info("/images").maxShape == [nil, 3, 3])
        #expect(try resizable.info("/compact").layout == .compact)
        #expect(try HDF5File(Fixtures.path("contiguous_uint8.h5")).info("/images").layout == .contiguous)
    }

    @Test(arguments: Fixtures.expected.map { "\($0.file)|\($0.dataset)" })
    func typedReadMatchesH5py(key: String) throws {
        let parts = key.split(separator: "|").map(String.init)
        let entry = try #require(Fixtures.expected(parts[0], parts[1]))
        let file = try HDF5File(Fixtures.path(entry.file))
        if entry.isInteger {
            let text: [String]
            if entry.dtype == "uint64" {
                let tensor = try file.read(entry.dataset, as: UInt64.self)
                #expect(tensor.shape == entry.shape)
                text = tensor.scalars.map { String($0) }
            } else {
                let tensor = try file.read(entry.dataset, as: Int64.self)
                #expect(tensor.shape == entry.shape)
                text = tensor.scalars.map { String($0) }
            }
            #expect(text == entry.text)
        } else {
            let tensor = try file.read(entry.dataset, as: Double.self)
            #expect(tensor.shape == entry.shape)
            #expect(tensor.scalars == Fixtures.doubles(entry))
            #expect(tensor.scalars.reduce(0, +) == entry.sum || abs(tensor.scalars.reduce(0, +) - entry.sum) < 1e-9)
        }
    }

    @Test func integerTargetsRefuseValuesThatDoNotFit() throws {
        let file = try HDF5File(Fixtures.path("byte_orders.h5"))
        #expect(try file.read("/big/u1", as: Int16.self).scalars == [0, 255, 0, 1, 2, 3])
        #expect(try file.read("/big/i2", as: Int16.self).scalars == [-32768, 32767, 0, 1, 2, 3])
        let error = #expect(throws: LoaderError.self) { try file.read("/big/u1", as: Int8.self) }
        #expect(error?.code == .unsupported)
        #expect(error?.location == .datasetPath("/big/u1"))
        #expect(error?.message.contains("element 1") == true)
        #expect(try file.read("/big/u4", as: Double.self).scalars == [0, 4_294_967_295, 0, 1, 2, 3])
    }

    /// Every faster path (pread of contiguous bytes, raw chunks inflated here) against libhdf5.
    @Test(arguments: Fixtures.expected.map { "\($0.file)|\($0.dataset)" })
    func ownDecodingEqualsLibhdf5(key: String) throws {
        let parts = key.split(separator: "|").map(String.init)
        let stored = try StoredDataset(file: HDF5File(Fixtures.path(parts[0])), datasetPath: parts[1])
        let rowCount = stored.rowCount
        var ranges = [0..<rowCount]
        if rowCount > 3 { ranges += [1..<(rowCount - 1), (rowCount / 2)..<rowCount, 2..<3] }
        for rows in ranges {
            let count = rows.count * stored.rowByteCount
            var own = [UInt8](repeating: 0xEE, count: count)
            var library = [UInt8](repeating: 0x11, count: count)
            try own.withUnsafeMutableBytes { try stored.readRows(rows, into: $0) }
            try library.withUnsafeMutableBytes { try stored.readRowsThroughLibrary(rows, into: $0) }
            #expect(own == library, "\(parts[1]) rows \(rows)")
        }
        for block in 0..<stored.blockCount {
            let rows = stored.blockRange(block)
            var library = [UInt8](repeating: 0, count: rows.count * stored.rowByteCount)
            try library.withUnsafeMutableBytes { try stored.readRowsThroughLibrary(rows, into: $0) }
            #expect(try stored.readBlock(block) == library, "\(parts[1]) block \(block)")
        }
    }

    @Test func chunkedDatasetsUseTheParallelPath() throws {
        let file = try HDF5File(Fixtures.path("chunked_gzip_shuffle.h5"))
        for path in ["/images", "/labels", "/tiles", "/sparse"] {
            let stored = try StoredDataset(file: file, datasetPath: path)
            guard case .chunks = stored.source else {
                Issue.record("\(path) is read through libhdf5")
                continue
            }
        }
        let contiguous = try StoredDataset(file: HDF5File(Fixtures.path("userblock.h5")), datasetPath: "/images")
        #expect(contiguous.isContiguous)
    }

    @Test func unallocatedChunksReadAsTheFillValue() throws {
        let sparse = try HDF5File(Fixtures.path("chunked_gzip_shuffle.h5")).read("/sparse", as: Int.self)
        #expect(sparse.scalars[0..<24].allSatisfy { $0 == 7 })
        #expect(sparse.scalars[(33 * 3)..<(35 * 3)].allSatisfy { $0 == -1 })
    }

    /// h5py reads /empty_chunked ([10, 0], chunks [4, 1]) as ten rows of nothing.
    @Test(arguments: [HDF5ReadStrategy.direct, .libhdf5])
    func chunkedRowsOfNoElementsReadEmpty(strategy: HDF5ReadStrategy) throws {
        let file = try HDF5File(Fixtures.path("empty_rows.h5"))
        let stored = try StoredDataset(file: file, datasetPath: "/empty_chunked", strategy: strategy)
        #expect(try stored.readBlock(0).isEmpty)
        let whole = try file.read("/empty_chunked", as: Int.self)
        #expect(whole.shape == [10, 0])
        #expect(whole.scalars.isEmpty)
    }
}
