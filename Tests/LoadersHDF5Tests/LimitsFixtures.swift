import Foundation
import Testing

/// What h5py read from the files Fixtures/hdf5/make_limits.py writes (limits.json).
enum LimitsFixtures {
    /// The entry for `dataset` of `file`, as JSON objects.
    static func entry(_ file: String, _ dataset: String) throws -> [String: Any] {
        let data = try Data(contentsOf: Fixtures.directory.appendingPathComponent("limits.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: [String: Any]]])
        return try #require(root[file]?[dataset])
    }

    /// Every dataset h5py's walk visited in `file`, with its HDF5 type class and shape.
    static func visited(_ file: String) throws -> [String: (typeClass: String, shape: [Int])] {
        let data = try Data(contentsOf: Fixtures.directory.appendingPathComponent("limits.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: [String: [String: Any]]])
        return try #require(root[file]).mapValues { ($0["class"] as? String ?? "", $0["shape"] as? [Int] ?? []) }
    }

    /// The sum and the position-weighted sum Σ (i + 1) · v of flattened values, as the script
    /// computes them from h5py's arrays.
    static func digest(_ values: some Sequence<Int>) -> (sum: Int, weightedSum: Int) {
        var sum = 0
        var weighted = 0
        for (index, value) in values.enumerated() {
            sum += value
            weighted += (index + 1) * value
        }
        return (sum, weighted)
    }

    static func expectedDigest(_ entry: [String: Any]) throws -> (sum: Int, weightedSum: Int) {
        (try #require(entry["sum"] as? Int), try #require(entry["weighted_sum"] as? Int))
    }
}
