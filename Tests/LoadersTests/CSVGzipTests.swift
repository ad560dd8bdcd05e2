import Foundation
import Testing
@testable import Loaders

@Suite struct CSVGzipTests {
    /// Python's gzip output, as `.csv.gz` and under a plain `.csv` name: every reader reads the
    /// text the script compressed.
    @Test func gzipCompressedCSVIsReadByEveryReader() throws {
        let want = InspectFixtures.expected["gzipped"] as! [String: Any]
        let labels = want["labels"] as! [Int]
        let features = (want["features"] as! [[Double]]).map { $0.map(Float.init) }
        for file in want["files"] as! [String] {
            let path = InspectFixtures.path(file)
            let dataset = try CSVDataset(path)
            #expect(try (0..<dataset.count).map { try dataset.sample(at: $0).label } == labels, "\(file)")
            #expect(try (0..<dataset.count).map { try dataset.sample(at: $0).features.scalars } == features, "\(file)")
            var stream = try CSVStreamingDataset(path).stream(shard: 0)
            var streamed: [Example] = []
            while let example = try stream.next() { streamed.append(example) }
            #expect(streamed.map(\.label) == labels, "\(file)")
            #expect(streamed.map(\.features.scalars) == features, "\(file)")
            #expect(try CSVSummary(path: path).rowCount == labels.count, "\(file)")
        }
    }

    /// `python_csv_module.csv` in two gzip members split inside a quoted field, cut into many
    /// pieces and shards: exactly the rows `python_csv_module.expected.json` holds.
    @Test func aMultiMemberGzipReadsAsOneTextInPiecesAndShards() throws {
        struct Expected: Decodable { var features: [[UInt32]]; var labels: [Int]; var categories: [String] }
        let expected = try JSONDecoder().decode(
            Expected.self, from: Data(contentsOf: URL(fileURLWithPath: CSVFixturePaths.csv("python_csv_module.expected.json"))))
        let path = InspectFixtures.path("python_csv_module.csv.gz")
        let dataset = try CSVDataset(
            path, labelColumn: "species", featureColumns: nil, shape: nil, format: .standard, threads: 3, minimumPieceBytes: 97)
        #expect(dataset.labelCategories == expected.categories)
        try #require(dataset.count == expected.labels.count)
        for index in 0..<dataset.count {
            let sample = try dataset.sample(at: index)
            #expect(sample.features.scalars.map(\.bitPattern) == expected.features[index], "row \(index)")
            #expect(sample.label == expected.labels[index], "row \(index)")
        }
        let streaming = try CSVStreamingDataset(
            path, labelColumn: "species", featureColumns: nil, shape: nil, format: .standard, shards: 5, minimumShardBytes: 64)
        #expect(streaming.shardCount == 5)
        var rows: [Example] = []
        for shard in 0..<streaming.shardCount {
            var stream = try streaming.stream(shard: shard)
            while let example = try stream.next() { rows.append(example) }
        }
        #expect(rows.map(\.label) == expected.labels)
        #expect(rows.map { $0.features.scalars.map(\.bitPattern) } == expected.features)
    }

    /// Damage in the text is placed by the text's lines and columns; damage in the gzip stream by
    /// the gzip reader, at its offset in the compressed file.
    @Test func damageIsPlacedInTheTextOrInTheCompressedFile() throws {
        let want = InspectFixtures.expected["damaged_gzip"] as! [String: [String: Int]]
        let unterminated = InspectFixtures.path("unterminated.csv.gz")
        let quote = want["unterminated.csv.gz"]!
        for read in [{ _ = try CSVDataset(unterminated, labelColumn: "a") }, { _ = try CSVSummary(path: unterminated) }] as [() throws -> Void] {
            let error = try #require(throws: LoaderError.self) { try read() }
            #expect(error.code == .unterminatedQuote)
            #expect(error.path == unterminated)
            #expect(error.location == .lineColumn(line: quote["line"]!, column: quote["column"]!))
            #expect(error.message.contains("opened at line \(quote["quote_line"]!), column \(quote["quote_column"]!)"), "\(error.message)")
        }
        let cut = InspectFixtures.path("cut.csv.gz")
        for read in [{ _ = try CSVDataset(cut, labelColumn: "a") }, { _ = try CSVStreamingDataset(cut, labelColumn: "a") }] as [() throws -> Void] {
            let error = try #require(throws: LoaderError.self) { try read() }
            #expect(error.code == .truncated)
            #expect(error.path == cut)
            #expect(error.location == .byteOffset(want["cut.csv.gz"]!["offset"]!))
            #expect(error.message.contains("offset in the compressed file"), "\(error.message)")
        }
    }

    /// 16 KB of gzip that inflates to 16 MiB without a line break: inflating stops one byte past
    /// the field limit and its quotes, and every reader reports the field too long where a plain
    /// file reports it (line 3, column 1), having held the text only up to there.
    @Test(arguments: [1 << 20, 1000])
    func aGzipBombWithoutLineBreaksInflatesOnlyPastTheFieldLimit(maxFieldLength: Int) throws {
        let want = InspectFixtures.expected["bomb.csv.gz"] as! [String: Int]
        let path = InspectFixtures.path("bomb.csv.gz")
        let format = CSVFormat(maxFieldLength: maxFieldLength)
        let text = try CSVText(path: path, format: format)
        #expect(text.isInflated)
        #expect(text.size == want["head_bytes"]! + maxFieldLength + 3)
        #expect(text.size < want["text_bytes"]!)
        let readers: [() throws -> Void] = [
            { _ = try CSVDataset(path, format: format) }, { _ = try CSVSummary(path: path, format: format) },
            {
                var stream = try CSVStreamingDataset(path, format: format).stream(shard: 0)
                while try stream.next() != nil {}
            },
        ]
        for read in readers {
            let error = try #require(throws: LoaderError.self) { try read() }
            #expect(error.code == .fieldTooLong)
            #expect(error.location == .lineColumn(line: want["line"]!, column: want["column"]!))
        }
    }
}
