import Foundation
import Loaders
@testable import LoadersHDF5

/// The h5py-written files under Fixtures/hdf5 and what h5py read from them (expected.json).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hdf5")

    static func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    /// One dataset as h5py saw it.
    struct Expected: Sendable {
        var file: String
        var dataset: String
        var dtype: String
        var byteOrder: String
        var shape: [Int]
        var chunks: [Int]?
        var maxShape: [Int?]
        /// Each value as h5py printed it (exact decimal integers, shortest round-trip floats).
        var text: [String]
        var sum: Double
        var min: Double
        var max: Double

        var isInteger: Bool { !dtype.hasPrefix("float") }
    }

    static let expected: [Expected] = {
        let data = (try? Data(contentsOf: directory.appendingPathComponent("expected.json"))) ?? Data()
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: [String: [String: Any]]] else { return [] }
        var result: [Expected] = []
        for (file, datasets) in root.sorted(by: { $0.key < $1.key }) {
            for (dataset, entry) in datasets.sorted(by: { $0.key < $1.key }) {
                let dtype = entry["dtype"] as? String ?? ""
                let values = entry["values"] as? [Any] ?? []
                result.append(Expected(
                    file: file, dataset: dataset, dtype: dtype, byteOrder: entry["byteorder"] as? String ?? "",
                    shape: (entry["shape"] as? [Int]) ?? [], chunks: entry["chunks"] as? [Int],
                    maxShape: ((entry["maxshape"] as? [Int]) ?? []).map { $0 < 0 ? nil : $0 },
                    text: values.compactMap { $0 as? String },
                    sum: (entry["sum"] as? NSNumber)?.doubleValue ?? .nan,
                    min: (entry["min"] as? NSNumber)?.doubleValue ?? .nan,
                    max: (entry["max"] as? NSNumber)?.doubleValue ?? .nan))
            }
        }
        return result
    }()

    static func expected(_ file: String, _ dataset: String) -> Expected? {
        expected.first { $0.file == file && $0.dataset == dataset }
    }

    /// The expected values of a dataset as Doubles (exact for the small integers the fixtures hold
    /// outside the 64-bit extremes).
    static func doubles(_ entry: Expected) -> [Double] {
        entry.text.map { Double($0) ?? .nan }
    }
}
