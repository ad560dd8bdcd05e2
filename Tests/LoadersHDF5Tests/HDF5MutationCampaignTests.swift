import Foundation
import Loaders
import Testing
@testable import hdf5_probe

/// A fixed slice of the HDF5 mutation campaign (Fuzz/hdf5, `make fuzz-hdf5`): the variants in
/// Fixtures/hdf5/mutations.json, each a fixture with bytes flipped, overwritten, zeroed or cut.
/// Every variant is read every way SwiftLoaders can (`ReadCheck`, as `hdf5-probe` does) and each
/// read compared with libhdf5's own.
@Suite struct HDF5MutationCampaignTests {
    /// One damaged copy of a fixture, as the campaign's runner wrote it.
    struct Variant: CustomTestStringConvertible, Sendable {
        var name: String
        var kind: String
        var base: String
        /// (offset, bytes written there), in order.
        var edits: [(offset: Int, bytes: [UInt8])]
        /// The length the file is cut to, if it is.
        var length: Int?
        var datasets: [String]
        var pairs: [(features: String, labels: String)]

        var testDescription: String { "\(name) (\(kind))" }

        func bytes() throws -> Data {
            var data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.path(base))))
            for edit in edits { data.replaceSubrange(edit.offset..<(edit.offset + edit.bytes.count), with: edit.bytes) }
            return Data(data.prefix(length ?? data.count))
        }
    }

    static let variants: [Variant] = {
        let url = Fixtures.directory.appendingPathComponent("mutations.json")
        guard let data = try? Data(contentsOf: url), let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let bases = root["bases"] as? [String: [String: [String]]], let specs = root["variants"] as? [[String: Any]] else { return [] }
        func hex(_ text: String) -> [UInt8] {
            let digits = Array(text.utf8)
            return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
        }
        return specs.map { spec in
            let base = spec["base"] as? String ?? ""
            return Variant(
                name: spec["name"] as? String ?? "", kind: spec["kind"] as? String ?? "", base: base,
                edits: (spec["edits"] as? [[Any]] ?? []).map { (offset: $0[0] as? Int ?? 0, bytes: hex($0[1] as? String ?? "")) },
                length: spec["length"] as? Int, datasets: bases[base]?["datasets"] ?? [],
                pairs: (bases[base]?["pairs"] ?? []).map { pair in
                    let parts = pair.split(separator: ":").map(String.init)
                    return (features: parts[0], labels: parts[1])
                })
        }
    }()

    @Test func theCorpusHoldsAFewHundredVariantsOfEveryKind() {
        #expect(Self.variants.count >= 300)
        #expect(Set(Self.variants.map(\.kind)).count == 8)
    }

    /// A variant ends in a typed error naming the file (and dataset), or reads what libhdf5 reads.
    @Test(arguments: variants)
    func variantIsReadAsLibhdf5ReadsItOrRefusedWithATypedError(variant: Variant) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mutation-\(UUID().uuidString).h5").path
        try variant.bytes().write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = ReadCheck(path: path).run(datasets: variant.datasets, pairs: variant.pairs)
        let findings = [("open", report.open)] + report.datasets.map { ($0.path, $0.finding) }
            + report.pairs.map { ("\($0.features):\($0.labels)", $0.finding) }
        for (place, finding) in findings {
            #expect([.read, .refused, .stricter, .tooLarge].contains(finding.verdict), "\(place): \(finding.verdict): \(finding.detail ?? "")")
        }
    }
}
