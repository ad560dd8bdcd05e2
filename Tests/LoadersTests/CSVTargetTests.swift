import Foundation
import Testing
@testable import Loaders

/// Real-valued targets read from CSV files that Python's csv module wrote
/// (`Fixtures/csv/make_targets.py`), compared bit for bit with the float32 of each field's text.
@Suite struct CSVTargetTests {
    /// `targets.expected.json`: per file, per column, the float32 bit patterns of its fields.
    static let expected: [String: [String: [UInt32]]] = {
        let data = FileManager.default.contents(atPath: CSVFixturePaths.csv("targets.expected.json"))!
        return try! JSONDecoder().decode([String: [String: [UInt32]]].self, from: data)
    }()

    static let line = CSVFixturePaths.csv("line.csv")
    static let multi = CSVFixturePaths.csv("multi_target.csv")

    /// Row `row` of the expected columns, as bit patterns.
    static func bits(_ file: String, _ columns: [String], row: Int) -> [UInt32] {
        columns.map { expected[file]![$0]![row] }
    }

    static func bits(of tensor: Tensor<Float>?) -> [UInt32]? {
        tensor?.scalars.map(\.bitPattern)
    }

    /// Every sample of `dataset` against the expected features and target values.
    static func check(
        _ dataset: some Dataset<Example>, file: String, features: [String], targets: [String], rows: Int
    ) throws {
        try #require(dataset.count == rows)
        for row in 0..<rows {
            let sample = try dataset.sample(at: row)
            #expect(sample.features.shape == [features.count])
            #expect(bits(of: sample.features) == bits(file, features, row: row), "row \(row)")
            #expect(sample.values?.shape == [targets.count], "row \(row)")
            #expect(bits(of: sample.values) == bits(file, targets, row: row), "row \(row)")
        }
    }

    /// y = -5x + noise: x and y as Python's repr wrote them (up to 17 digits), read as the target
    /// column by name and by index, whole and cut into many pieces.
    @Test(arguments: [CSVColumn.name("y"), .index(1)], [1 << 20, 97])
    func oneTargetColumnReadsBitForBit(column: CSVColumn, pieceBytes: Int) throws {
        let dataset = try CSVDataset(
            Self.line, targetColumns: [column], targets: .values, featureColumns: nil, shape: nil, format: .standard,
            threads: 3, minimumPieceBytes: pieceBytes)
        #expect(dataset.targetColumns == ["y"])
        #expect(dataset.targetKind == .values)
        #expect(dataset.labelColumn == nil)
        #expect(dataset.labelCategories == nil)
        #expect(dataset.featureColumns == ["x"])
        if pieceBytes < 1000 { #expect(dataset.pieces.count > 1) }
        try Self.check(dataset, file: "line", features: ["x"], targets: ["y"], rows: 100)
    }

    /// Two target columns, neither first, among features, a text column with quoted commas,
    /// quotes and line breaks, quoted and spaced numbers: chosen by name, by index, or mixed, in
    /// the order given; the features default to the numeric columns other than the targets.
    @Test(arguments: [
        ([CSVColumn.name("u"), .name("v")], ["u", "v"]),
        ([CSVColumn.index(1), .index(4)], ["u", "v"]),
        (["v", 1] as [CSVColumn], ["v", "u"]),
    ])
    func severalTargetColumnsReadInTheOrderGiven(columns: [CSVColumn], names: [String]) throws {
        for pieceBytes in [1 << 20, 101] {
            let dataset = try CSVDataset(
                Self.multi, targetColumns: columns, targets: .values, featureColumns: nil, shape: nil, format: .standard,
                threads: 2, minimumPieceBytes: pieceBytes)
            #expect(dataset.targetColumns == names)
            #expect(dataset.featureColumns == ["a", "b", "c"])
            try Self.check(dataset, file: "multi_target", features: ["a", "b", "c"], targets: names, rows: 40)
        }
    }

    /// Read blocks of a few dozen bytes, so that records and target fields straddle them.
    @Test(arguments: [64, 67, 100])
    func targetsStraddlingReadBlocks(blockSize: Int) throws {
        var format = CSVFormat.standard
        format.blockSize = blockSize
        let dataset = try CSVDataset(
            Self.multi, targetColumns: ["u", "v"], targets: .values, featureColumns: nil, shape: nil, format: format,
            threads: 2, minimumPieceBytes: 300)
        try Self.check(dataset, file: "multi_target", features: ["a", "b", "c"], targets: ["u", "v"], rows: 40)
        let streaming = try CSVStreamingDataset(
            Self.multi, targetColumns: ["u", "v"], targets: .values, featureColumns: nil, shape: nil, format: format,
            shards: 3, minimumShardBytes: 300)
        var row = 0
        for shard in 0..<streaming.shardCount {
            var stream = try streaming.stream(shard: shard)
            while let example = try stream.next() {
                #expect(Self.bits(of: example.values) == Self.bits("multi_target", ["u", "v"], row: row), "row \(row)")
                row += 1
            }
        }
        #expect(row == 40)
    }

    /// Features chosen by name and index, and an integer column read as a real value.
    @Test func chosenFeaturesAndAnIntegerTarget() throws {
        let dataset = try CSVDataset(Self.multi, targetColumns: ["b"], targets: .values, featureColumns: [5, "u"])
        #expect(dataset.featureColumns == ["c", "u"])
        try Self.check(dataset, file: "multi_target", features: ["c", "u"], targets: ["b"], rows: 40)
    }

    /// The streaming reader, cut into several shards, gives the random-access reader's samples.
    @Test(arguments: [("line", [CSVColumn.name("y")]), ("multi_target", [CSVColumn.name("u"), .index(4)])])
    func streamingGivesTheSameSamples(file: String, columns: [CSVColumn]) throws {
        let path = CSVFixturePaths.csv(file + ".csv")
        let dataset = try CSVDataset(path, targetColumns: columns, targets: .values)
        let streaming = try CSVStreamingDataset(
            path, targetColumns: columns, targets: .values, featureColumns: nil, shape: nil, format: .standard,
            shards: 4, minimumShardBytes: 300)
        #expect(streaming.shardCount > 1)
        #expect(streaming.targetColumns == dataset.targetColumns)
        #expect(streaming.featureColumns == dataset.featureColumns)
        var streamed: [Example] = []
        for shard in 0..<streaming.shardCount {
            var stream = try streaming.stream(shard: shard)
            while let example = try stream.next() { streamed.append(example) }
        }
        try #require(streamed.count == dataset.count)
        for (index, example) in streamed.enumerated() {
            let sample = try dataset.sample(at: index)
            #expect(Self.bits(of: example.features) == Self.bits(of: sample.features), "row \(index)")
            #expect(example.values?.shape == sample.values?.shape)
            #expect(Self.bits(of: example.values) == Self.bits(of: sample.values), "row \(index)")
        }
    }

    /// A loader's batch stacks k target values per sample into `values` of shape [B, k].
    @Test(arguments: [("line", ["y"], ["x"]), ("multi_target", ["u", "v"], ["a", "b", "c"])])
    func batchesHoldValuesOfShapeBatchByTargets(file: String, targets: [String], features: [String]) async throws {
        let path = CSVFixturePaths.csv(file + ".csv")
        let dataset = try CSVDataset(path, targetColumns: targets.map(CSVColumn.name), targets: .values)
        let loader = DataLoader(dataset, batchSize: 16, workers: 2)
        var row = 0
        for try await batch in loader {
            let size = min(16, dataset.count - row)
            let values = try #require(batch.values)
            #expect(batch.labels == nil)
            #expect(values.shape == [size, targets.count])
            #expect(batch.features.shape == [size, features.count])
            let expected = (row..<row + size).flatMap { Self.bits(file, targets, row: $0) }
            #expect(values.scalars.map(\.bitPattern) == expected)
            row += size
        }
        #expect(row == dataset.count)

        let streaming = try CSVStreamingDataset(path, targetColumns: targets.map(CSVColumn.name), targets: .values, shards: 1)
        var streamedRows = 0
        for try await batch in StreamingDataLoader(streaming, batchSize: 16) {
            let values = try #require(batch.values)
            #expect(values.shape == [min(16, dataset.count - streamedRows), targets.count])
            let expected = (streamedRows..<streamedRows + values.shape[0]).flatMap { Self.bits(file, targets, row: $0) }
            #expect(values.scalars.map(\.bitPattern) == expected)
            streamedRows += values.shape[0]
        }
        #expect(streamedRows == dataset.count)
    }

    /// The label path is one implementation with the target path: the same samples either way.
    @Test func labelColumnIsOneLabelTarget() throws {
        let wine = CSVFixturePaths.fixtures + "/wine.csv"
        let simple = try CSVDataset(wine, labelColumn: "target")
        let general = try CSVDataset(wine, targetColumns: ["target"], targets: .labels)
        #expect(simple.labelColumn == "target" && simple.targetColumns == ["target"] && simple.targetKind == .labels)
        #expect(general.featureColumns == simple.featureColumns)
        for index in 0..<simple.count {
            #expect(try simple.sample(at: index) == general.sample(at: index))
        }
        // The same column read as values: the class numbers as Floats.
        let values = try CSVDataset(wine, targetColumns: ["target"], targets: .values)
        for index in 0..<simple.count {
            #expect(try values.sample(at: index).values == Tensor(shape: [1], scalars: [Float(simple.sample(at: index).label!)]))
        }
    }

    /// A header whose names look like indices: a name is only ever a name, an index only an index.
    @Test func namesThatLookLikeIndicesAreNames() throws {
        let path = try CSVFixturePaths.temporary("1,0,2\n10,20,30\n11,21,31\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let byName = try CSVDataset(path, targetColumns: ["0"], targets: .values)
        #expect(byName.targetColumns == ["0"] && byName.featureColumns == ["1", "2"])
        #expect(try byName.sample(at: 1).values?.scalars == [21])
        let byIndex = try CSVDataset(path, targetColumns: [0], targets: .values)
        #expect(byIndex.targetColumns == ["1"] && byIndex.featureColumns == ["0", "2"])
        #expect(try byIndex.sample(at: 1).values?.scalars == [11])
    }

    /// Where a name is ambiguous, an index still chooses.
    @Test func anIndexChoosesAmongDuplicateNames() throws {
        let path = try CSVFixturePaths.temporary("y,x,y\n1,2,3\n4,5,6\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try #require(throws: LoaderError.self) { try CSVDataset(path, targetColumns: ["y"], targets: .values) }
        #expect(error.code == .ambiguousColumn)
        let last = try CSVDataset(path, targetColumns: [2], targets: .values, featureColumns: [1])
        #expect(try last.sample(at: 1).values?.scalars == [6])
        #expect(try last.sample(at: 1).features.scalars == [5])
    }

    /// Files without a header are read by index.
    @Test func filesWithoutAHeaderAreReadByIndex() throws {
        let path = try CSVFixturePaths.temporary("0.5,1.25,-3\n2,3.5,4e1\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let dataset = try CSVDataset(path, targetColumns: [2, 0], targets: .values, format: CSVFormat(hasHeader: false))
        #expect(dataset.targetColumns == ["column3", "column1"])
        #expect(try dataset.sample(at: 0).values?.scalars == [-3, 0.5])
        #expect(try dataset.sample(at: 1).values?.scalars == [40, 2])
        #expect(try dataset.sample(at: 1).features.scalars == [3.5])
    }

    /// Decimal target values do not cost integer pixels their byte storage.
    @Test func pixelsStayBytesBesideDecimalTargets() throws {
        let path = try CSVFixturePaths.temporary("y,p0,p1,p2\n0.5,0,255,7\n-1.25,3,0,0\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let dataset = try CSVDataset(path, targetColumns: ["y"], targets: .values, shape: [1, 3])
        guard case .bytes = dataset.pieces[0].features else {
            Issue.record("features stored as Float")
            return
        }
        #expect(try dataset.sample(at: 0).features == Tensor(shape: [1, 3], scalars: [0, 255, 7]))
        #expect(try dataset.sample(at: 1).values == Tensor(shape: [1], scalars: [-1.25]))
    }

    /// The target values are held to the memory limit before any is parsed.
    @Test func targetValuesAreHeldToTheMemoryLimit() throws {
        // A record of two columns is no shorter than its one delimiter: the data bytes after the
        // header (`x,y` and CRLF) bound the records.
        let bytes = try #require(FileManager.default.contents(atPath: Self.line))
        let records = bytes.count - "x,y\r\n".utf8.count + 1
        let refused = try #require(throws: LoaderError.self) {
            try CSVDataset(
                Self.line, targetColumns: ["y"], targets: .values, featureColumns: nil, shape: nil, format: .standard,
                threads: 1, minimumPieceBytes: 1 << 20, memoryLimit: records * 4 - 1)
        }
        #expect(refused.code == .resourceExhausted)
        #expect(refused.path == Self.line)
        #expect(refused.message.contains("target values of up to \(records) records"), "\(refused)")
        let read = try CSVDataset(
            Self.line, targetColumns: ["y"], targets: .values, featureColumns: nil, shape: nil, format: .standard,
            threads: 1, minimumPieceBytes: 1 << 20, memoryLimit: records * 4)
        #expect(read.count == 100)
    }
}
