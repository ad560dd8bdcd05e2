import Foundation
import Loaders
import Testing
@testable import loaders

@Suite struct HDF5InspectTests {
    static func fixture(_ name: String) -> String {
        InspectTests.fixture("hdf5/" + name)
    }

    /// h5py's reading of each dataset (Fixtures/hdf5/expected.json): dtype, shape, values as text.
    static func expected(_ file: String, _ dataset: String) throws -> (dtype: String, shape: [Int], values: [String]) {
        let data = try Data(contentsOf: URL(fileURLWithPath: fixture("expected.json")))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: [String: Any]]])
        let entry = try #require(root[file]?[dataset])
        return (try #require(entry["dtype"] as? String), try #require(entry["shape"] as? [Int]), try #require(entry["values"] as? [String]))
    }

    @Test func detectsHDF5WithAndWithoutAUserBlock() throws {
        #expect(try FileFormat.detect(path: Self.fixture("nested.h5")) == .hdf5)
        #expect(try FileFormat.detect(path: Self.fixture("userblock.h5")) == .hdf5)
        #expect(throws: LoaderError.self) { try FileFormat.detect(path: Self.fixture("random.h5")) }
    }

    @Test func listsDatasetsAsJSON() throws {
        let text = try HDF5Inspection(path: Self.fixture("nested.h5")).listing().json.text
        #expect(text == #"{"format":"hdf5","datasets":[{"path":"/data/test/x","dtype":"float32","shape":[6,2,3,4]},{"path":"/data/test/y","dtype":"int64","shape":[6]},{"path":"/data/train/x","dtype":"float32","shape":[12,2,3,4]},{"path":"/data/train/y","dtype":"float64","shape":[12]}]}"#)
    }

    /// Integer summaries are exact: the expected sum, min and max come from h5py's values summed here
    /// in Int128 (numpy's int64 sum would overflow on uint64).
    @Test(arguments: [
        ("byte_orders.h5", "/big/u8"), ("byte_orders.h5", "/big/i8"), ("byte_orders.h5", "/little/i2"),
        ("chunked_gzip_shuffle.h5", "/images"), ("chunked_gzip_shuffle.h5", "/sparse"), ("resizable.h5", "/compact"),
    ])
    func integerDatasetSummary(file: String, dataset: String) throws {
        let (dtype, shape, values) = try Self.expected(file, dataset)
        let numbers = values.compactMap { Int128($0) }
        let expected = #"{"format":"hdf5","path":"\#(dataset)","dtype":"\#(dtype)","shape":[\#(shape.map(String.init).joined(separator: ","))],"sum":\#(numbers.reduce(0, +)),"min":\#(numbers.min()!),"max":\#(numbers.max()!)}"#
        #expect(try HDF5Inspection(path: Self.fixture(file)).summary(dataset: dataset).json.text == expected)
    }

    @Test(arguments: [("byte_orders.h5", "/big/f4"), ("nested.h5", "/data/train/x"), ("byte_orders.h5", "/big/f8")])
    func floatDatasetSummary(file: String, dataset: String) throws {
        let (dtype, _, values) = try Self.expected(file, dataset)
        let numbers = values.compactMap { Double($0) }
        let json = try HDF5Inspection(path: Self.fixture(file)).summary(dataset: dataset).json.text
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(parsed["dtype"] as? String == dtype)
        let sum = try #require((parsed["sum"] as? NSNumber)?.doubleValue)
        #expect(abs(sum - numbers.reduce(0, +)) < 1e-9)
        let minText = dtype == "float32" ? Float(numbers.min()!).description : numbers.min()!.description
        let maxText = dtype == "float32" ? Float(numbers.max()!).description : numbers.max()!.description
        #expect(json.hasSuffix(#""min":\#(minText),"max":\#(maxText)}"#))
    }

    @Test func missingDatasetNamesFileAndDataset() throws {
        let path = Self.fixture("nested.h5")
        let error = #expect(throws: LoaderError.self) { try HDF5Inspection(path: path).summary(dataset: "/nope") }
        #expect(error?.path == path)
        #expect(error?.location == .datasetPath("/nope"))
    }

    /// h5py wrote 2^60 rows of zero elements each: nothing to sum, in one step, not 2^40 slices.
    @Test(.timeLimit(.minutes(1))) func rowsWithoutElementsSummariseAtOnce() throws {
        let text = try HDF5Inspection(path: Self.fixture("empty_rows.h5")).summary(dataset: "/empty_rows").json.text
        #expect(text == #"{"format":"hdf5","path":"/empty_rows","dtype":"uint8","shape":[1152921504606846976,0],"sum":0,"min":null,"max":null}"#)
    }
}
