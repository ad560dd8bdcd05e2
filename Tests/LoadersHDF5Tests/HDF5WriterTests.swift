import Foundation
import Loaders
import Testing
@testable import LoadersHDF5

@Suite struct HDF5WriterTests {
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("loaders-hdf5-\(UUID().uuidString)-\(name)").path
    }

    @Test(arguments: [nil, 3] as [Int?], [nil, 6] as [Int?])
    func writtenTensorsReadBackThroughLibhdf5(chunkRows: Int?, gzipLevel: Int?) throws {
        let path = Self.temporaryPath("tensors.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = Tensor<UInt8>(shape: [7, 3, 2], scalars: (0..<42).map { UInt8(($0 * 37) % 256) })
        let floats = Tensor<Float>(shape: [7, 2], scalars: (0..<14).map { Float($0) * 0.25 - 1 })
        let longs = Tensor<Int64>(shape: [7], scalars: [Int64.min, -1, 0, 1, 2, 3, Int64.max])
        do {
            let writer = try HDF5Writer(creating: path)
            try writer.write(bytes, to: "/images", chunkRows: chunkRows, gzipLevel: gzipLevel)
            try writer.write(floats, to: "/nested/group/x", chunkRows: chunkRows, gzipLevel: gzipLevel)
            try writer.write(longs, to: "/labels", chunkRows: chunkRows, gzipLevel: gzipLevel)
            try writer.flush()
        }
        let file = try HDF5File(path)
        #expect(try file.read("/images", as: UInt8.self) == bytes)
        #expect(try file.read("/nested/group/x", as: Float.self) == floats)
        #expect(try file.read("/labels", as: Int64.self) == longs)
        let info = try file.info("/images")
        #expect(info.elementType == .uint8)
        #expect(info.layout == (chunkRows == nil && gzipLevel == nil ? .contiguous : .chunked))
        #expect(info.filters == (gzipLevel.map { [.deflate(level: $0)] } ?? []))
        if let chunkRows { #expect(info.chunkShape == [chunkRows, 3, 2]) }
        #expect(try file.datasets().map(\.path) == ["/images", "/labels", "/nested/group/x"])
    }

    /// The committed written_by_loaders.h5 came from this writer; h5py's reading of it
    /// (expected.json) must equal h5py's reading of the source it was converted from.
    @Test func h5pyReadsConvertedFileAsTheSource() throws {
        for name in ["/images", "/labels"] {
            let written = try #require(Fixtures.expected("written_by_loaders.h5", name))
            let source = try #require(Fixtures.expected("contiguous_uint8.h5", name))
            #expect(written.text == source.text)
            #expect(written.dtype == source.dtype)
            #expect(written.shape == source.shape)
        }
        #expect(Fixtures.expected("written_by_loaders.h5", "/images")?.chunks == [6, 4, 5])
    }

    @Test func convertingADatasetReproducesTheWrittenFixture() throws {
        let path = Self.temporaryPath("converted.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let source = try HDF5Dataset(Fixtures.path("contiguous_uint8.h5"))
        let summary = try HDF5Writer(creating: path).write(source, chunkRows: 6, gzipLevel: 4)
        #expect(summary == .init(count: 20, featuresType: .uint8, labelsType: .uint8, featuresShape: [20, 4, 5]))
        let converted = try HDF5File(path)
        let committed = try HDF5File(Fixtures.path("written_by_loaders.h5"))
        for name in ["/images", "/labels"] {
            #expect(try converted.read(name, as: Int.self) == committed.read(name, as: Int.self))
            #expect(try converted.info(name) == committed.info(name))
        }
        #expect(try HDF5Dataset(path).samples(at: Array(0..<20)) == source.samples(at: Array(0..<20)))
    }

    @Test func nonByteFeaturesAndWideLabelsKeepTheirValues() throws {
        let path = Self.temporaryPath("floats.h5")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let source = try HDF5Dataset(Fixtures.path("nested.h5"), features: "/data/train/x", labels: "/data/train/y")
        let summary = try HDF5Writer(creating: path).write(source, features: "/x", labels: "/y", gzipLevel: 1)
        #expect(summary.featuresType == .float32)
        let written = try HDF5Dataset(path, features: "/x", labels: "/y")
        #expect(try written.samples(at: Array(0..<12)) == source.samples(at: Array(0..<12)))
    }

    @Test func unwritablePathIsAnIOError() {
        let error = #expect(throws: LoaderError.self) { try HDF5Writer(creating: "/nonexistent-directory/x.h5") }
        #expect(error?.code == .io)
        #expect(error?.path == "/nonexistent-directory/x.h5")
    }
}
