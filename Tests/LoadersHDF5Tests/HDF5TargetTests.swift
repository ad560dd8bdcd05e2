import Foundation
import Loaders
import Testing
@testable import LoadersHDF5

/// HDF5 targets datasets of every layout, type, byte order and shape, read as class labels or real
/// values, against what numpy makes of them (Fixtures/hdf5/make_targets.py, targets.expected.json).
@Suite struct HDF5TargetTests {
    /// One targets dataset as h5py read it and numpy converted it.
    struct Expected: Sendable {
        var shape: [Int]
        /// Every value converted by `astype(np.float32)`, as bits.
        var bits: [UInt32]
        /// The values as integers, when all are whole numbers.
        var integers: [Int]?
        /// The row holding the one unusable label, and numpy's text of it.
        var bad: (row: Int, text: String)?
    }

    /// targets.expected.json: "file dataset" to its entry, and numpy's least-squares slope of
    /// /y_f32 on /x.
    static let (entries, numpySlope): ([String: Expected], Double?) = {
        let data = (try? Data(contentsOf: Fixtures.directory.appendingPathComponent("targets.expected.json"))) ?? Data()
        let root = ((try? JSONSerialization.jsonObject(with: data)) as? [String: [String: Any]]) ?? [:]
        var entries: [String: Expected] = [:]
        for (file, datasets) in root {
            for case let (dataset, entry as [String: Any]) in datasets {
                let bad = (entry["bad"] as? [String: Any]).flatMap { bad in
                    (bad["row"] as? Int).flatMap { row in (bad["text"] as? String).map { (row, $0) } }
                }
                entries["\(file) \(dataset)"] = Expected(
                    shape: entry["shape"] as? [Int] ?? [], bits: (entry["float32_bits"] as? [NSNumber] ?? []).map(\.uint32Value),
                    integers: (entry["integers"] as? [NSNumber])?.map(\.intValue), bad: bad)
            }
        }
        return (entries, root["targets.h5"]?["slope"] as? Double)
    }()

    static func expected(_ dataset: String, in file: String = "targets.h5") throws -> Expected {
        try #require(entries["\(file) \(dataset)"], "\(file) \(dataset) missing from targets.expected.json")
    }

    static let file = Fixtures.path("targets.h5")
    static let second = Fixtures.path("targets_second.h5")
    /// Contiguous, chunked with gzip, shuffle and fletcher32, unfiltered chunks, compact; both
    /// byte orders; every kind of element; shapes [N], [N, 2], [N, 2, 3].
    static let valueDatasets = [
        "/y_f32", "/y_f64", "/y_big", "/y_big64", "/y2", "/y_i16", "/y_u8", "/y_u64", "/y_rank3", "/labels_f64",
    ]

    static func bits(_ examples: [Example]) throws -> [UInt32] {
        try examples.flatMap { try #require($0.values).scalars.map(\.bitPattern) }
    }

    static func all(_ dataset: HDF5Dataset) throws -> [Example] {
        try dataset.samples(at: Array(0..<dataset.count))
    }

    static func streamed(_ dataset: HDF5Dataset) throws -> [Example] {
        var examples: [Example] = []
        for shard in 0..<dataset.shardCount {
            var stream = try dataset.stream(shard: shard)
            while let example = try stream.next() { examples.append(example) }
        }
        return examples
    }

    @Test(arguments: valueDatasets, [HDF5ReadStrategy.direct, .libhdf5])
    func valuesEqualNumpysFloat32BitForBit(labels: String, strategy: HDF5ReadStrategy) throws {
        let expected = try Self.expected(labels)
        let shape = expected.shape.count == 1 ? [1] : Array(expected.shape.dropFirst())
        // A cache of 0 bytes reads contiguous rows directly rather than by cached blocks.
        for cacheBytes in [1 << 30, 0] {
            let dataset = try HDF5Dataset(
                Self.file, features: "/x", labels: labels, targets: .values, cacheBytes: cacheBytes, strategy: strategy)
            #expect(dataset.targetKind == .values)
            #expect(dataset.targetShape == shape)
            let examples = try Self.all(dataset)
            #expect(examples.allSatisfy { $0.values?.shape == shape })
            #expect(try Self.bits(examples) == expected.bits)
            #expect(try dataset.samples(at: [31, 4, 31]) == [examples[31], examples[4], examples[31]])
        }
    }

    @Test(arguments: valueDatasets, [1, 3])
    func streamingEqualsRandomAccess(labels: String, shards: Int) throws {
        let dataset = try HDF5Dataset(Self.file, features: "/x", labels: labels, targets: .values, shards: shards)
        let streamed = try Self.streamed(dataset)
        #expect(streamed == (try Self.all(dataset)))
        #expect(try Self.bits(streamed) == (try Self.expected(labels)).bits)
    }

    /// Integers of any width and floats holding whole numbers are class labels by default.
    @Test(arguments: ["/labels_f64", "/y_i16", "/y_u8"])
    func wholeNumbersAreClassLabels(labels: String) throws {
        let integers = try #require(try Self.expected(labels).integers)
        let dataset = try HDF5Dataset(Self.file, features: "/x", labels: labels)
        #expect(dataset.targetKind == .labels)
        #expect(try Self.all(dataset).map(\.label) == integers)
        #expect(try Self.streamed(dataset).map(\.label) == integers)
    }

    @Test func targetsFromASecondFile() throws {
        let expected = try Self.expected("/y", in: "targets_second.h5")
        let dataset = try HDF5Dataset(Self.file, features: "/x", labels: "/y", labelsFile: Self.second, targets: .values, shards: 2)
        #expect(dataset.path == Self.file)
        #expect(dataset.labelsFilePath == Self.second)
        let examples = try Self.all(dataset)
        #expect(try Self.bits(examples) == expected.bits)
        #expect(try Self.streamed(dataset) == examples)
        // The features are the first file's.
        let x = try HDF5File(Self.file).read("/x", as: Float.self)
        #expect(examples.flatMap(\.features.scalars) == x.scalars)
    }

    /// Differing counts name both files (or datasets) and both counts.
    @Test(arguments: [(Optional(second), "37"), (nil, "39")])
    func countMismatchNamesBothFilesAndCounts(labelsFile: String?, rows: String) throws {
        let error = #expect(throws: LoaderError.self) {
            try HDF5Dataset(Self.file, features: "/x", labels: "/y_short", labelsFile: labelsFile, targets: .values)
        }
        #expect(error?.code == .mismatch)
        #expect(error?.path == labelsFile ?? Self.file)
        #expect(error?.location == .datasetPath("/y_short"))
        let message = error?.message ?? ""
        if let labelsFile {
            #expect(message == "40 feature rows in \(Self.file):/x but \(rows) labels in \(labelsFile):/y_short")
        } else {
            #expect(message == "40 feature rows in /x but \(rows) labels in /y_short")
        }
    }

    /// A fractional label is named with its file, dataset, row and value, and the way to read real
    /// targets; random access and streaming say the same.
    @Test func fractionalLabelIsNamedWithItsRowAndValue() throws {
        let (row, text) = try #require(try Self.expected("/labels_fraction").bad)
        let dataset = try HDF5Dataset(Self.file, features: "/x", labels: "/labels_fraction", shards: 1)
        let random = #expect(throws: LoaderError.self) { try dataset.samples(at: [0, row]) }
        #expect(random?.code == .unsupported)
        #expect(random?.path == Self.file)
        #expect(random?.location == .sampleIndex(row))
        #expect(random?.message.hasPrefix("label \(text) (float32) in /labels_fraction, row \(row), is not an integer") == true)
        #expect(random?.message.contains("targets: .values") == true)
        var stream = try dataset.stream(shard: 0)
        for _ in 0..<row { _ = try stream.next() }
        let streamed = #expect(throws: LoaderError.self) { try stream.next() }
        #expect(streamed?.description == random?.description)
        // Read as values, the same dataset is fine.
        let values = try HDF5Dataset(Self.file, features: "/x", labels: "/labels_fraction", targets: .values)
        #expect(try Self.bits(Self.all(values)) == (try Self.expected("/labels_fraction")).bits)
    }

    @Test(arguments: [("/labels_2d", "[40, 2]"), ("/y2", "[40, 2]"), ("/y_rank3", "[40, 2, 3]")])
    func classLabelsNeedOnePerRow(labels: String, shape: String) throws {
        let error = #expect(throws: LoaderError.self) { try HDF5Dataset(Self.file, features: "/x", labels: labels) }
        #expect(error?.code == .mismatch)
        #expect(error?.path == Self.file)
        #expect(error?.location == .datasetPath(labels))
        #expect(error?.message.hasPrefix("class labels must have shape [N] or [N, 1], not \(shape);") == true)
        #expect(error?.message.contains("targets: .values") == true)
    }

    @Test(arguments: [TargetKind.labels, .values])
    func scalarTargetsAreRefused(kind: TargetKind) throws {
        let error = #expect(throws: LoaderError.self) { try HDF5Dataset(Self.file, features: "/x", labels: "/scalar", targets: kind) }
        #expect(error?.code == .unsupported)
        #expect(error?.path == Self.file)
        #expect(error?.location == .datasetPath("/scalar"))
    }

    /// The loader stacks `[1]` targets into `[B, 1]` and `[2]` targets into `[B, 2]`, in order.
    @Test(arguments: [("/y_f64", 1), ("/y2", 2)], [0, 2])
    func loaderBatchesHoldValues(target: (labels: String, width: Int), workers: Int) throws {
        let (labels, width) = target
        let dataset = try HDF5Dataset(Self.file, features: "/x", labels: labels, targets: .values)
        var iterator = DataLoader(dataset, batchSize: 16, workers: workers).makeIterator()
        var bits: [UInt32] = []
        var sizes: [Int] = []
        while let batch = try iterator.next() {
            let values = try #require(batch.values)
            #expect(values.shape == [batch.count, width])
            #expect(batch.features.shape == [batch.count, 1])
            sizes.append(batch.count)
            bits += values.scalars.map(\.bitPattern)
        }
        #expect(sizes == [16, 16, 8])
        #expect(bits == (try Self.expected(labels)).bits)
    }

    /// The least-squares slope of the loaded y on the loaded x is numpy's, and near -5.
    @Test func slopeOfLoadedDataIsNumpys() throws {
        let numpy = try #require(Self.numpySlope)
        let examples = try Self.all(HDF5Dataset(Self.file, features: "/x", labels: "/y_f32", targets: .values))
        let x = examples.map { Double($0.features.scalars[0]) }
        let y = try examples.map { Double(try #require($0.values).scalars[0]) }
        let (meanX, meanY) = (x.reduce(0, +) / Double(x.count), y.reduce(0, +) / Double(y.count))
        let covariance: Double = zip(x, y).map { ($0 - meanX) * ($1 - meanY) }.reduce(0, +)
        let variance: Double = x.map { ($0 - meanX) * ($0 - meanX) }.reduce(0, +)
        let slope = covariance / variance
        #expect(abs(slope - numpy) < 1e-9)
        #expect(abs(slope + 5) < 0.1)
    }

    /// Real-valued targets convert to float32 `[N]` (one value a sample) or `[N, …]` and read back
    /// bit for bit with `.values`.
    @Test(arguments: [("/y_f64", [40]), ("/y2", [40, 2]), ("/y_rank3", [40, 2, 3])], [nil, 8] as [Int?])
    func writtenValuesReadBackBitForBit(target: (labels: String, stored: [Int]), chunkRows: Int?) throws {
        let (labels, stored) = target
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("loaders-targets-\(UUID().uuidString).h5").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let source = try HDF5Dataset(Self.file, features: "/x", labels: labels, targets: .values)
        let summary = try HDF5Writer(creating: path).write(source, chunkRows: chunkRows, gzipLevel: chunkRows.map { _ in 4 })
        #expect(summary.labelsType == .float32)
        let info = try HDF5File(path).info("/labels")
        #expect(info.elementType == .float32)
        #expect(info.shape == stored)
        let copy = try HDF5Dataset(path, targets: .values)
        #expect(copy.targetShape == source.targetShape)
        let written = try Self.all(copy)
        #expect(try Self.bits(written) == (try Self.expected(labels)).bits)
        #expect(written.map(\.features) == (try Self.all(source)).map(\.features))
    }

    @Test func writerRefusesMixedTargets() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("loaders-targets-\(UUID().uuidString).h5").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let values = try HDF5Dataset(Self.file, features: "/x", labels: "/y_f32", targets: .values).subset([0, 1, 2])
        let labels = try HDF5Dataset(Self.file, features: "/x", labels: "/labels_f64").subset([0, 1])
        let error = #expect(throws: LoaderError.self) { try HDF5Writer(creating: path).write(values.concatenated(with: labels)) }
        #expect(error?.code == .mismatch)
        #expect(error?.location == .sampleIndex(3))
        #expect(error?.message == "the sample's target is a class label, earlier samples have real values")
    }
}
