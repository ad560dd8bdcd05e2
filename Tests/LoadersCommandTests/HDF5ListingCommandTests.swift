import Foundation
import Testing
@testable import loaders

/// `loaders inspect FILE.h5` as users run it: unsupported datasets listed with their type, and
/// where the group walk stopped, in the JSON and in the readable listing.
@Suite struct HDF5ListingCommandTests {
    static let path = HDF5InspectTests.fixture("listing.h5")

    @Test func jsonListsUnsupportedDatasetsAndStops() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let run = try await HDF5IsolatedInspectTests.runLoaders(["inspect", Self.path, "--json"])
        #expect(run.ending == .exited(0), "\(run.errors)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
        let datasets = try #require(root["datasets"] as? [[String: Any]]).compactMap { $0["path"] as? String }
        #expect(datasets == ["/alias/x", "/deep/y", "/numbers", "/z_after"])
        let unsupported = try #require(root["unsupported"] as? [[String: Any]])
        #expect(unsupported.compactMap { $0["path"] as? String } == ["/colors", "/records", "/text"])
        #expect(unsupported.compactMap { $0["type"] as? String } == ["enum", "compound", "string"])
        #expect(unsupported.compactMap { $0["shape"] as? [Int] } == [[3], [3], [2]])
        let stopped = try #require(root["stopped"] as? [[String: Any]]).compactMap { $0["path"] as? String }
        #expect(stopped.contains("/cycle") && stopped.contains("/outside") && stopped.count == 4)
    }

    @Test func readableListingMarksUnsupportedDatasets() throws {
        let text = try HDF5Inspection(path: Self.path).listing().readable
        #expect(text.hasPrefix("\(Self.path): HDF5, 4 datasets and 3 unsupported\n"))
        #expect(text.contains("\n  /text  string  2  (unsupported: elements of string type are not numbers"))
        #expect(text.contains("\n  not walked: /cycle: the same group as /alias/back, already listed"))
    }
}
