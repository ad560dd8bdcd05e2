import Foundation
import Loaders
import Testing
@testable import LoadersHDF5

@Suite struct HDF5ErrorTests {
    @Test func missingFileIsAnIOError() {
        let path = Fixtures.path("does_not_exist.h5")
        let error = #expect(throws: LoaderError.self) { try HDF5File(path) }
        #expect(error?.code == .io)
        #expect(error?.path == path)
    }

    @Test(arguments: ["not_hdf5.h5", "random.h5", "truncated.h5", "header_only.h5"])
    func damagedFilesAreTypedErrors(name: String) {
        let path = Fixtures.path(name)
        let error = #expect(throws: LoaderError.self) { try HDF5Dataset(path) }
        #expect(error?.path == path)
        #expect([LoaderError.Code.malformed, .truncated].contains(error?.code))
        #expect(error?.message.isEmpty == false)
    }

    @Test func notHDF5CarriesLibhdf5sMessage() {
        let error = #expect(throws: LoaderError.self) { try HDF5File(Fixtures.path("not_hdf5.h5")) }
        #expect(error?.code == .malformed)
        #expect(error?.message.contains("signature") == true)
    }

    @Test func truncatedFileSaysSo() {
        let error = #expect(throws: LoaderError.self) { try HDF5File(Fixtures.path("truncated.h5")) }
        #expect(error?.code == .truncated)
        #expect(error?.message.contains("truncated") == true)
    }

    @Test func missingDatasetNamesIt() {
        let error = #expect(throws: LoaderError.self) {
            try HDF5Dataset(Fixtures.path("contiguous_uint8.h5"), features: "/nope", labels: "/labels")
        }
        #expect(error?.location == .datasetPath("/nope"))
        #expect(error?.path == Fixtures.path("contiguous_uint8.h5"))
    }

    @Test(arguments: [("/strings", "string"), ("/compound", "compound"), ("/half", "floating-point type of 2 bytes")])
    func nonNumericTypesAreRefusedByName(dataset: String, reason: String) {
        let error = #expect(throws: LoaderError.self) { try HDF5File(Fixtures.path("unsupported.h5")).info(dataset) }
        #expect(error?.code == .unsupported)
        #expect(error?.location == .datasetPath(dataset))
        #expect(error?.message.contains(reason) == true)
    }

    @Test func listingSkipsUnreadableTypesAndLinks() throws {
        let listed = try HDF5File(Fixtures.path("unsupported.h5")).datasets().map(\.path)
        #expect(listed == ["/images", "/labels", "/lzf", "/scalar"])
    }

    @Test func externalLinksAreNotFollowed() throws {
        let file = try HDF5File(Fixtures.path("unsupported.h5"))
        let error = #expect(throws: LoaderError.self) { try file.info("/outside") }
        #expect(error?.location == .datasetPath("/outside"))
        // A soft link inside the file resolves to its target.
        #expect(try file.info("/soft").shape == [4, 2])
    }

    @Test func groupsAreNotDatasets() {
        let error = #expect(throws: LoaderError.self) { try HDF5File(Fixtures.path("nested.h5")).info("/data/train") }
        #expect(error?.location == .datasetPath("/data/train"))
    }

    @Test func otherFiltersAreLeftToLibhdf5() throws {
        let file = try HDF5File(Fixtures.path("unsupported.h5"))
        let stored = try StoredDataset(file: file, datasetPath: "/lzf")
        #expect(stored.info.filters.contains { if case .other = $0 { true } else { false } })
        guard case .library = stored.source else {
            Issue.record("lzf chunks are not read through libhdf5")
            return
        }
        // libhdf5 decodes lzf when its plugin is installed; otherwise the failure is a typed error.
        do {
            #expect(try file.read("/lzf", as: UInt8.self).scalars == Array(0..<40))
        } catch let error as LoaderError {
            #expect(error.location == .datasetPath("/lzf"))
            #expect(error.path == Fixtures.path("unsupported.h5"))
        }
    }

    @Test func fractionalLabelsNameTheirSample() throws {
        let dataset = try HDF5Dataset(Fixtures.path("unsupported.h5"), features: "/images", labels: "/labels")
        #expect(try dataset.sample(at: 0).label == 0)
        let error = #expect(throws: LoaderError.self) { try dataset.samples(at: [2, 1]) }
        #expect(error?.location == .sampleIndex(1))
    }

    @Test func scalarFeaturesAreRefused() {
        let error = #expect(throws: LoaderError.self) {
            try HDF5Dataset(Fixtures.path("unsupported.h5"), features: "/scalar", labels: "/labels")
        }
        #expect(error?.location == .datasetPath("/scalar"))
    }

    @Test func countsMustMatch() {
        let error = #expect(throws: LoaderError.self) {
            try HDF5Dataset(Fixtures.path("contiguous_uint8.h5"), features: "/images", labels: "/short_labels")
        }
        #expect(error?.code == .mismatch)
        #expect(error?.message.contains("20") == true && error?.message.contains("19") == true)
    }

    @Test func damagedChunkFailsItsChecksum() throws {
        let file = try HDF5File(Fixtures.path("corrupt_chunk.h5"))
        let stored = try StoredDataset(file: file, datasetPath: "/images")
        #expect(try stored.readBlock(0) == Array(0..<80).map { UInt8($0) })
        let error = #expect(throws: LoaderError.self) { try stored.readBlock(1) }
        #expect(error?.code == .checksumMismatch)
        #expect(error?.message.contains("/images") == true)
        #expect(error?.location == .datasetPath("/images"))
        let dataset = try HDF5Dataset(Fixtures.path("corrupt_chunk.h5"))
        #expect(throws: LoaderError.self) { try dataset.samples(at: [0, 7]) }
    }

    @Test func damagedDeflateStreamIsCorrupt() throws {
        let stored = try StoredDataset(file: HDF5File(Fixtures.path("corrupt_chunk.h5")), datasetPath: "/deflated")
        let error = #expect(throws: LoaderError.self) { try stored.readBlock(1) }
        #expect(error?.code == .corrupt)
        #expect(error?.message.contains("/deflated") == true)
        #expect(error?.location == .datasetPath("/deflated"))
    }

    @Test func unshuffleAndFletcher32MatchHandDerivedBytes() {
        // Two 4-byte elements 0x04030201 and 0x08070605 stored shuffled by byte position, plus a tail byte.
        #expect(ChunkFilters.unshuffle([1, 5, 2, 6, 3, 7, 4, 8, 9], elementSize: 4) == [1, 2, 3, 4, 5, 6, 7, 8, 9])
        // Words 0x0102, 0x0300 (odd byte padded): sum1 = 0x0402, sum2 = 0x0102 + 0x0402 = 0x0504.
        let checksum = [UInt8]([1, 2, 3]).withUnsafeBytes { ChunkFilters.fletcher32($0) }
        #expect(checksum == 0x0504_0402)
    }
}

@Suite struct HDF5DamagedMetadataTests {
    @Test func compactDataSmallerThanItsShapeIsRefusedBeforeReading() {
        let path = Fixtures.path("compact_damaged.h5")
        let error = #expect(throws: LoaderError.self) { try HDF5File(path).read("/images", as: Int.self) }
        #expect(error?.code == .malformed)
        #expect(error?.location == .datasetPath("/images"))
        #expect(throws: LoaderError.self) { try HDF5Dataset(path) }
    }

    @Test func fileShrunkAfterOpeningIsATruncatedErrorNamingTheDataset() throws {
        let copy = FileManager.default.temporaryDirectory
            .appendingPathComponent("shrunk-\(UInt64.random(in: 0...UInt64.max)).h5").path
        try FileManager.default.copyItem(atPath: Fixtures.path("contiguous_uint8.h5"), toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }
        let stored = try StoredDataset(file: HDF5File(copy), datasetPath: "/images")
        let handle = try #require(FileHandle(forWritingAtPath: copy))
        // Cut the file in the middle of /images' 400 contiguous bytes (h5py put them at byte 2048).
        try handle.truncate(atOffset: 2048 + 100)
        try handle.close()
        let error = #expect(throws: LoaderError.self) { try stored.readBlock(0) }
        #expect(error?.code == .truncated)
        #expect(error?.location == .byteOffset(2048 + 100))
        #expect(error?.message.contains("/images") == true)
    }
}
