import Foundation
import Loaders
import Testing
@testable import LoadersHDF5

/// Listing a file lists every dataset h5py's walk visits, readable or not, and says where the
/// group walk stopped instead of failing.
@Suite struct HDF5ListingTests {
    static let path = Fixtures.path("listing.h5")

    /// Paths h5py visits below the depth limit: each is listed as readable or unsupported with the
    /// type class and shape h5py reports.
    @Test func everyDatasetH5pyVisitsIsListedWithItsType() throws {
        let contents = try HDF5File(Self.path).contents()
        let visited = try LimitsFixtures.visited("listing.h5")
        let shallow = visited.filter { $0.key.split(separator: "/").count <= HDF5File.maximumDepth + 1 }
        #expect(Set(contents.datasets.map(\.path) + contents.unsupported.map(\.path)) == Set(shallow.keys))
        for info in contents.datasets {
            let expected = try #require(visited[info.path])
            #expect(info.shape == expected.shape, "\(info.path)")
            #expect(info.elementType.isFloatingPoint == (expected.typeClass == "float"), "\(info.path)")
        }
        for dataset in contents.unsupported {
            let expected = try #require(visited[dataset.path])
            #expect(dataset.typeName == expected.typeClass, "\(dataset.path)")
            #expect(dataset.shape == expected.shape, "\(dataset.path)")
            #expect(dataset.reason.contains("elements of \(expected.typeClass) type are not numbers"), "\(dataset.path)")
        }
        #expect(contents.unsupported.count == 3)
        #expect(try HDF5File(Self.path).datasets() == contents.datasets)
    }

    /// The group reached again through a hard link (a cycle and a second name), the groups past
    /// the depth limit and the external link are each one stop; the datasets after them are listed.
    @Test func walkStopsWhereItMustAndListsTheRest() throws {
        let contents = try HDF5File(Self.path).contents()
        let visited = try LimitsFixtures.visited("listing.h5")
        let deepest = try #require(visited.keys.first { $0.hasSuffix("/bottom") })
        // The link that would lead to level maximumDepth + 1: "/deep" is level 1.
        let tooDeep = "/" + deepest.split(separator: "/").prefix(HDF5File.maximumDepth + 1).joined(separator: "/")
        let stops = Dictionary(uniqueKeysWithValues: contents.stops.map { ($0.path, $0.reason) })
        #expect(stops.count == 4)
        #expect(stops[tooDeep]?.contains("groups nest deeper than \(HDF5File.maximumDepth) levels") == true, "\(stops)")
        #expect(stops["/alias/back/inner"] == "the same group as /alias, already listed")
        #expect(stops["/cycle"] == "the same group as /alias/back, already listed")
        #expect(stops["/outside"]?.contains("never followed") == true)
        #expect(contents.datasets.last?.path == "/z_after")
    }
}
