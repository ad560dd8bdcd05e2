import Foundation
import Loaders
import Testing
@testable import LoadersHDF5

/// Errors built from what libhdf5 or the stored values say name what happened: the external link
/// refused and its target, the label that does not fit and its type, dataset and row.
@Suite struct HDF5MessageTests {
    @Test(arguments: [("unsupported.h5", "/outside"), ("listing.h5", "/outside")])
    func externalLinkIsRefusedNamingItsTarget(file: String, dataset: String) {
        let path = Fixtures.path(file)
        let error = #expect(throws: LoaderError.self) { try HDF5Dataset(path, features: dataset, labels: dataset) }
        #expect(error?.code == .unsupported)
        #expect(error?.path == path)
        #expect(error?.location == .datasetPath(dataset))
        #expect(error?.message.contains("external link to elsewhere.h5:/images") == true, "\(String(describing: error))")
        #expect(error?.message.contains("traversal callback") == false)
    }

    /// Each label h5py reads at `row`, named in the error as stored, with the dataset, the row and
    /// why: random access and streaming say the same.
    @Test(arguments: [
        ("/labels", 1, "uint64", "does not fit in Int"),
        ("/float_labels", 2, "float64", "does not fit in Int"),
        ("/half_labels", 1, "float32", "is not an integer"),
    ])
    func unusableLabelIsNamedWithItsValue(labels: String, row: Int, type: String, problem: String) throws {
        let path = Fixtures.path("wide_labels.h5")
        let values = try #require(try LimitsFixtures.entry("wide_labels.h5", labels)["values"] as? [String])
        let expected = "label \(values[row]) (\(type)) in \(labels), row \(row), \(problem)"
        let dataset = try HDF5Dataset(path, features: "/images", labels: labels)
        for index in 0..<row {
            #expect(try dataset.sample(at: index).label == Int(Double(values[index])!))
        }
        let random = #expect(throws: LoaderError.self) { try dataset.samples(at: [0, row]) }
        #expect(random?.message.hasPrefix(expected) == true, "\(String(describing: random))")
        #expect(random?.location == .sampleIndex(row))
        #expect(random?.path == path)
        var stream = try dataset.stream(shard: 0)
        for _ in 0..<row { _ = try stream.next() }
        let streamed = #expect(throws: LoaderError.self) { try stream.next() }
        #expect(streamed?.message == random?.message)
        #expect(streamed?.location == .sampleIndex(row))
    }
}
