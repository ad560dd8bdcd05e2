import Foundation
import Loaders
import Testing
@testable import LoadersHDF5

/// Reading a dataset as its own element type copies (and byte-swaps) instead of converting each
/// element: every fixture h5py wrote, in either byte order, reads as h5py read it.
@Suite struct HDF5OwnTypeReadTests {
    static func text<Scalar: HDF5Scalar>(_ file: HDF5File, _ dataset: String, as: Scalar.Type, _ describe: (Scalar) -> String) throws -> [String] {
        try file.read(dataset, as: Scalar.self).scalars.map(describe)
    }

    @Test(arguments: Fixtures.expected.map { "\($0.file)|\($0.dataset)" })
    func readAsItsOwnTypeMatchesH5py(key: String) throws {
        let parts = key.split(separator: "|").map(String.init)
        let entry = try #require(Fixtures.expected(parts[0], parts[1]))
        let file = try HDF5File(Fixtures.path(entry.file))
        let dataset = entry.dataset
        let text: [String] = switch entry.dtype {
        case "int8": try Self.text(file, dataset, as: Int8.self) { String($0) }
        case "uint8": try Self.text(file, dataset, as: UInt8.self) { String($0) }
        case "int16": try Self.text(file, dataset, as: Int16.self) { String($0) }
        case "uint16": try Self.text(file, dataset, as: UInt16.self) { String($0) }
        case "int32": try Self.text(file, dataset, as: Int32.self) { String($0) }
        case "uint32": try Self.text(file, dataset, as: UInt32.self) { String($0) }
        case "int64": try Self.text(file, dataset, as: Int.self) { String($0) }
        case "uint64": try Self.text(file, dataset, as: UInt64.self) { String($0) }
        // h5py prints float32 values widened to double, as Python floats.
        case "float32": try Self.text(file, dataset, as: Float.self) { Double($0).description }
        default: try Self.text(file, dataset, as: Double.self) { $0.description }
        }
        // Python's and Swift's shortest round-trip texts of a double differ only in spelling.
        let expected = entry.isInteger ? entry.text : entry.text.map { Double($0)?.description ?? $0 }
        #expect(text == expected, "\(key)")
    }
}
