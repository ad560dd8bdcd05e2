import Foundation
import Testing

/// `loaders inspect` reads HDF5 files in a child process with a deadline: the tool run as users
/// run it, so that what reaches the terminal is what is checked.
@Suite struct HDF5IsolatedInspectTests {
    /// h5py wrote Int64.max rows of never-written uint8 labels; summing them would never end.
    @Test func anOverrunEndsWithOneLineNamingTheFile() throws {
        try #require(FileManager.default.isExecutableFile(atPath: ResourceLimitTests.loadersExecutable))
        let path = HDF5InspectTests.fixture("empty_rows.h5")
        let (reason, status, errors, output) = try ResourceLimitTests.runLoaders(
            ["inspect", path, "--dataset", "/huge_labels", "--timeout", "1"])
        #expect(reason == .exit && status == 1)
        #expect(errors == "loaders inspect: \(path): reading did not finish within 1 s (--timeout sets the limit)\n")
        #expect(output.isEmpty)
    }

    /// The child's output and exit status arrive unchanged.
    @Test func theChildsOutputAndStatusPassThrough() throws {
        try #require(FileManager.default.isExecutableFile(atPath: ResourceLimitTests.loadersExecutable))
        let path = HDF5InspectTests.fixture("nested.h5")
        let listed = try ResourceLimitTests.runLoaders(["inspect", path, "--json"])
        #expect(listed.1 == 0)
        #expect(listed.3.hasPrefix(#"{"format":"hdf5","datasets":[{"path":"/data/test/x","dtype":"float32","shape":[6,2,3,4]}"#))
        #expect(listed.3.hasSuffix("]}\n") && listed.2.isEmpty)
        let missing = try ResourceLimitTests.runLoaders(["inspect", path, "--dataset", "/nope"])
        #expect(missing.1 == 1)
        #expect(missing.2.hasPrefix("loaders inspect: \(path): dataset /nope: cannot open dataset"))
        #expect(missing.2.filter { $0 == "\n" }.count == 1)
    }

    /// The file whose damaged group made libhdf5 abort the process now ends in one line.
    @Test func aDamagedDenseGroupIsOneLine() throws {
        try #require(FileManager.default.isExecutableFile(atPath: ResourceLimitTests.loadersExecutable))
        let path = HDF5InspectTests.fixture("damaged_link_heap.h5")
        let (reason, status, errors, _) = try ResourceLimitTests.runLoaders(["inspect", path])
        #expect(reason == .exit && status == 1)
        #expect(errors.hasPrefix("loaders inspect: \(path): dataset /: cannot list group: wrong fractal heap header signature"))
    }
}
