import Foundation
import Loaders
import Testing
@testable import loaders

/// `loaders convert`'s CSV writing of real-valued targets: the target columns first, read back bit
/// for bit with `.values`.
@Suite struct CSVTargetExportTests {
    @Test func realTargetsReadBackIdentically() throws {
        let source = try CSVDataset(InspectTests.fixture("csv/multi_target.csv"), targetColumns: ["u", "v"], targets: .values)
        let path = CSVExportTests.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let written = try CSVExport.write(source, to: path)
        #expect(written.rows == 40 && written.features == 3)
        let back = try CSVDataset(path, targetColumns: [0, 1], targets: .values)
        #expect(back.columnNames == ["target0", "target1", "f0", "f1", "f2"])
        for index in 0..<source.count {
            let (read, original) = (try back.sample(at: index), try source.sample(at: index))
            #expect(read.values?.scalars.map(\.bitPattern) == original.values?.scalars.map(\.bitPattern), "row \(index)")
            #expect(read.features.scalars.map(\.bitPattern) == original.features.scalars.map(\.bitPattern), "row \(index)")
        }
    }

    /// A sample whose target differs in kind or count from the first is a mismatch naming it.
    @Test func aTargetUnlikeTheFirstIsAMismatch() throws {
        let samples = [
            Example(features: Tensor(shape: [1], scalars: [1]), target: .value(2)),
            Example(features: Tensor(shape: [1], scalars: [3]), target: .value(4)),
            Example(features: Tensor(shape: [1], scalars: [5]), label: 1),
        ]
        let path = CSVExportTests.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: LoaderError.self) { try CSVExport.write(Samples(samples: samples), to: path) }
        #expect(error.code == .mismatch)
        #expect(error.location == .sampleIndex(2))
        #expect(error.message == "sample 2 has a class label, and sample 0 has 1 target value", "\(error)")
    }
}

private struct Samples: Dataset {
    let samples: [Example]
    var count: Int { samples.count }
    func sample(at index: Int) throws -> Example { samples[index] }
}
