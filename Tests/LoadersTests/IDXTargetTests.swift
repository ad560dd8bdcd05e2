import Foundation
import Testing
@testable import Loaders

/// IDX targets files of every element type and rank, read as class labels or real values, against
/// what numpy makes of the same files (Fixtures/idx/make_targets.py, targets.expected.json).
@Suite struct IDXTargetTests {
    /// One targets file as numpy read it.
    struct Expected: Sendable {
        var shape: [Int]
        /// Every value converted by `astype(np.float32)`, as bits.
        var bits: [UInt32]
        /// The values as integers, when all are whole numbers.
        var integers: [Int]?
        /// The sample holding the one unusable label, and numpy's text of it.
        var bad: (sample: Int, text: String)?
        var dtype: String
    }

    /// targets.expected.json: each file's entry, and numpy's least-squares slope of y on x.
    static let (entries, numpySlope): ([String: Expected], Double?) = {
        let url = URL(fileURLWithPath: IDXFixtures.idx("targets.expected.json"))
        let data = (try? Data(contentsOf: url)) ?? Data()
        let root = ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any]) ?? [:]
        var entries: [String: Expected] = [:]
        for case let (file, entry as [String: Any]) in root {
            let bad = (entry["bad"] as? [String: Any]).flatMap { bad in
                (bad["sample"] as? Int).flatMap { sample in (bad["text"] as? String).map { (sample, $0) } }
            }
            entries[file] = Expected(
                shape: entry["shape"] as? [Int] ?? [], bits: (entry["float32_bits"] as? [NSNumber] ?? []).map(\.uint32Value),
                integers: (entry["integers"] as? [NSNumber])?.map(\.intValue), bad: bad, dtype: entry["dtype"] as? String ?? "")
        }
        return (entries, root["slope"] as? Double)
    }()

    static func expected(_ file: String) throws -> Expected {
        try #require(entries[file], "\(file) missing from targets.expected.json")
    }

    static let features = IDXFixtures.idx("targets-x.idx")
    static let sixTypes = ["uint8", "int8", "int16", "int32", "float32", "float64"].map { "targets-\($0).idx" }
    static let valueFiles = sixTypes + [
        "targets-y-float32.idx", "targets-y-float64.idx", "targets-y-float64.idx.gz", "targets-y2-float32.idx",
        "targets-rank3-int16.idx",
    ]

    /// The Floats of every sample's target, flattened in sample order, as bits.
    static func bits(_ examples: [Example]) throws -> [UInt32] {
        try examples.flatMap { try #require($0.values).scalars.map(\.bitPattern) }
    }

    @Test(arguments: valueFiles)
    func valuesEqualNumpysFloat32BitForBit(file: String) throws {
        let expected = try Self.expected(file)
        let dataset = try IDXDataset(images: Self.features, labels: IDXFixtures.idx(file), targets: .values)
        let shape = expected.shape.count == 1 ? [1] : Array(expected.shape.dropFirst())
        #expect(dataset.targetKind == .values)
        #expect(dataset.targetShape == shape)
        let examples = try dataset.samples(at: Array(0..<dataset.count))
        #expect(examples.allSatisfy { $0.values?.shape == shape })
        #expect(try Self.bits(examples) == expected.bits)
        // Out of order and repeated, one at a time.
        #expect(try dataset.samples(at: [9, 2, 9]) == [examples[9], examples[2], examples[9]])
        #expect(try dataset.sample(at: 15) == examples[15])
    }

    @Test(arguments: valueFiles, [1, 3])
    func streamingEqualsRandomAccess(file: String, shards: Int) throws {
        let dataset = try IDXDataset(images: Self.features, labels: IDXFixtures.idx(file), targets: .values, shards: shards)
        var streamed: [Example] = []
        for shard in 0..<shards {
            var stream = try dataset.stream(shard: shard)
            while let example = try stream.next() { streamed.append(example) }
        }
        #expect(streamed == (try dataset.samples(at: Array(0..<dataset.count))))
        #expect(try Self.bits(streamed) == (try Self.expected(file)).bits)
    }

    /// Integer files of every width, and float files whose values are whole numbers, give labels.
    @Test(arguments: sixTypes)
    func wholeNumbersOfEveryTypeAreClassLabels(file: String) throws {
        let integers = try #require(try Self.expected(file).integers)
        let dataset = try IDXDataset(images: Self.features, labels: IDXFixtures.idx(file))
        #expect(dataset.targetKind == .labels)
        #expect(try dataset.samples(at: Array(0..<dataset.count)).map(\.label) == integers)
        var stream = try dataset.stream(shard: 0)
        var streamed: [Int?] = []
        while let example = try stream.next() { streamed.append(example.label) }
        #expect(streamed == integers)
    }

    /// A fraction, NaN, or a whole number past `Int` is named with its file, sample and value, and
    /// the way to read real targets; random access and streaming say the same.
    @Test(arguments: ["targets-fraction-float32.idx", "targets-nan-float64.idx", "targets-huge-float32.idx"])
    func unusableFloatLabelIsNamedWithItsSampleAndValue(file: String) throws {
        let expected = try Self.expected(file)
        let bad = try #require(expected.bad)
        let path = IDXFixtures.idx(file)
        let dataset = try IDXDataset(images: Self.features, labels: path)
        let good = Array(0..<bad.sample)
        #expect(try dataset.samples(at: good).map(\.label) == good.map { Int(Float(bitPattern: expected.bits[$0])) })
        let random = try #require(IDXFixtures.loaderError { _ = try dataset.samples(at: [0, bad.sample]) })
        #expect(random.code == .unsupported)
        #expect(random.path == path)
        #expect(random.location == .sampleIndex(bad.sample))
        let problem = bad.text == "nan" || bad.text.contains(".") ? "is not an integer" : "does not fit in Int"
        #expect(random.message.hasPrefix("label \(bad.text) (\(expected.dtype)) \(problem)"), "\(random)")
        #expect(random.message.contains("targets: .values"))
        #expect(random.description.hasPrefix("\(path): sample \(bad.sample): label \(bad.text)"))

        var stream = try dataset.stream(shard: 0)
        for _ in 0..<bad.sample { _ = try stream.next() }
        let streamed = try #require(IDXFixtures.loaderError { _ = try stream.next() })
        #expect(streamed.description == random.description)
    }

    @Test(arguments: [("targets-y2-float32.idx", "[16, 2]"), ("targets-rank3-int16.idx", "[16, 2, 3]")])
    func classLabelsNeedRankOne(file: String, shape: String) throws {
        let path = IDXFixtures.idx(file)
        let error = try #require(IDXFixtures.loaderError { _ = try IDXDataset(images: Self.features, labels: path) })
        #expect(error.code == .unsupported)
        #expect(error.path == path)
        #expect(error.location == .byteOffset(3))
        #expect(error.message.contains("found shape \(shape)"))
        #expect(error.message.contains("targets: .values"))
    }

    /// The loader stacks `[1]` targets into `[B, 1]` and `[2]` targets into `[B, 2]`, in order.
    @Test(arguments: [("targets-y-float32.idx", 1), ("targets-y2-float32.idx", 2)], [0, 2])
    func loaderBatchesHoldValues(target: (file: String, width: Int), workers: Int) throws {
        let (file, width) = target
        let expected = try Self.expected(file)
        let dataset = try IDXDataset(images: Self.features, labels: IDXFixtures.idx(file), targets: .values)
        var iterator = DataLoader(dataset, batchSize: 5, workers: workers).makeIterator()
        var bits: [UInt32] = []
        var sizes: [Int] = []
        while let batch = try iterator.next() {
            let values = try #require(batch.values)
            #expect(values.shape == [batch.count, width])
            #expect(batch.labels == nil)
            sizes.append(batch.count)
            bits += values.scalars.map(\.bitPattern)
        }
        #expect(sizes == [5, 5, 5, 1])
        #expect(bits == expected.bits)
    }

    /// Streamed shards under worker threads deliver every sample's `[2]` target once, stacked to `[B, 2]`.
    @Test func streamingLoaderBatchesHoldValues() throws {
        let expected = try Self.expected("targets-y2-float32.idx")
        let dataset = try IDXDataset(
            images: Self.features, labels: IDXFixtures.idx("targets-y2-float32.idx"), targets: .values, shards: 2)
        let loader = StreamingDataLoader(dataset, batchSize: 5, shuffleBuffer: 0, shuffleShards: false, workers: 2, seed: 1)
        var iterator = loader.makeIterator()
        var rows: [[UInt32]] = []
        while let batch = try iterator.next() {
            let values = try #require(batch.values)
            #expect(values.shape == [batch.count, 2])
            for row in 0..<batch.count { rows.append(values.scalars[(2 * row)..<(2 * row + 2)].map(\.bitPattern)) }
        }
        let reference = (0..<16).map { Array(expected.bits[(2 * $0)..<(2 * $0 + 2)]) }
        #expect(rows.map { "\($0)" }.sorted() == reference.map { "\($0)" }.sorted())
    }

    /// The least-squares slope of the loaded y on the loaded x is numpy's, and near the -5 the
    /// data was made with.
    @Test(arguments: ["targets-y-float32.idx", "targets-y-float64.idx.gz"])
    func slopeOfLoadedDataIsNumpys(file: String) throws {
        let numpy = try #require(Self.numpySlope)
        let dataset = try IDXDataset(images: Self.features, labels: IDXFixtures.idx(file), targets: .values)
        let examples = try dataset.samples(at: Array(0..<dataset.count))
        let x = examples.map { Double($0.features.scalars[0]) }
        let y = try examples.map { Double(try #require($0.values).scalars[0]) }
        let (meanX, meanY) = (x.reduce(0, +) / Double(x.count), y.reduce(0, +) / Double(y.count))
        let covariance = zip(x, y).map { ($0 - meanX) * ($1 - meanY) }.reduce(0, +)
        let variance = x.map { ($0 - meanX) * ($0 - meanX) }.reduce(0, +)
        let slope = covariance / variance
        #expect(abs(slope - numpy) < 1e-9)
        #expect(abs(slope + 5) < 0.1)
    }
}
