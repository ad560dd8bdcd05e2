import FuzzSupport
@testable import Loaders

/// CSV files. The format is sniffed from the first line (after a byte-order mark): the delimiter
/// is the first of `,` `;` tab `|` `-` that the line holds (`,` when none), there is no header
/// when the line starts with a digit, and fields longer than 64 bytes are errors. The target is the
/// column named `label`, else `target`, else the first; it is read as a class label, or (for every
/// third input, by size) as a real value.
///
/// Checks: `CSVDataset` read as one piece on one thread and cut into many small pieces parsed by
/// three threads through blocks of about a hundred bytes (so that records straddle blocks),
/// `CSVDataset`'s own shards, and `CSVStreamingDataset` in shards of a few bytes (cut where
/// `CSVSplitter` finds record starts by counting quotes) give the same rows and
/// label categories, or the same first error (code, line, column); `CSVSummary` agrees with them
/// (the same row count; feature columns numeric, with the same minimum and maximum; the same
/// first malformed record; no malformed record at or before the first bad number); every error
/// names the file and a line and column that exist in it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let path = FuzzFiles.save(bytes, as: "input")
    let lines = LineTable(bytes)
    let rules = ErrorRules(paths: [path], unlocated: [.emptyFile, .noSuchColumn]) { _, location in
        guard case .lineColumn(let line, let column) = location else { return "not a line and column" }
        return lines.contains(line: line, column: column) ? nil : "no line \(line), column \(column) in the file"
    }
    let format = sniffedFormat(bytes)
    let names = (try? CSVSchema.read(ReadOnlyFile(path: path), format: format).names) ?? []
    let label = names.contains("label") ? "label" : names.contains("target") ? "target" : names.first ?? "label"
    let kind: TargetKind = size % 3 == 2 ? .values : .labels

    // Blocks of 64 to 127 bytes, so that records straddle block boundaries.
    var smallBlocks = format
    smallBlocks.blockSize = 64 + size % 64

    func dataset(threads: Int, pieceBytes: Int, format: CSVFormat) -> Outcome<Rows> {
        Outcome("CSVDataset, \(threads) threads, pieces of \(pieceBytes) bytes, blocks of \(format.blockSize)", rules: rules) {
            let dataset = try CSVDataset(
                path, targetColumns: [.name(label)], targets: kind, featureColumns: nil, shape: nil, format: format,
                threads: threads, minimumPieceBytes: pieceBytes)
            let rows = Rows(
                featureColumns: dataset.featureColumns, categories: dataset.labelCategories,
                samples: try (0..<dataset.count).map { SampleBits(try dataset.sample(at: $0)) })
            let shards = try (0..<dataset.shardCount).flatMap { try SampleBits.all(in: dataset, shard: $0) }
            guard shards == rows.samples else {
                violation("CSVDataset's \(dataset.shardCount) shards hold other rows than sample(at:) gives")
            }
            return rows
        }
    }
    let whole = dataset(threads: 1, pieceBytes: 1 << 20, format: format)
    let pieces = dataset(threads: 3, pieceBytes: 1 + size % 7, format: smallBlocks)
    expectSame(whole, pieces, "CSVDataset in one piece and in many small pieces")
    // Shards and summary pieces of a few bytes, cut where CSVSplitter finds record starts.
    let streamed = Outcome("CSVStreamingDataset", rules: rules) {
        let dataset = try CSVStreamingDataset(
            path, targetColumns: [.name(label)], targets: kind, featureColumns: nil, shape: nil, format: smallBlocks,
            shards: 2 + size % 7, minimumShardBytes: 1 + size % 5)
        return Rows(
            featureColumns: dataset.featureColumns, categories: dataset.labelCategories,
            samples: try (0..<dataset.shardCount).flatMap { try SampleBits.all(in: dataset, shard: $0) })
    }
    expectSame(whole, streamed, "CSVDataset and CSVStreamingDataset")
    let summary = Outcome("CSVSummary", rules: rules) {
        let summary = try CSVSummary(path: path, format: smallBlocks, threads: 2, minimumPieceBytes: 1 + size % 11)
        return Summary(rowCount: summary.rowCount, columns: summary.columns)
    }
    checkSummary(summary, against: whole, label: label, names: names)
    return 0
}

/// What a CSV reader gave: the feature columns, the label categories and every sample.
private struct Rows: Equatable {
    var featureColumns: [String]
    var categories: [String]?
    var samples: [SampleBits]
}

/// `CSVSummary`'s findings.
private struct Summary: Equatable {
    var rowCount: Int
    var columns: [CSVColumnSummary]
}

/// `CSVSummary` reads the same records as the dataset without converting them, so: when the
/// dataset reads the file, the summary counts its rows and finds its feature columns numeric with
/// the same extremes; when the dataset fails for any reason but a bad number or a missing column
/// (a malformed record, an encoding it refuses, no records), the summary fails the same way; after
/// a bad number, the summary reads on, to the end or to a malformed record further on.
private func checkSummary(_ summary: Outcome<Summary>, against dataset: Outcome<Rows>, label: String, names: [String]) {
    switch (dataset, summary) {
    case (.value(let rows), .value(let summary)):
        guard summary.rowCount == rows.samples.count else {
            violation("CSVSummary counts \(summary.rowCount) rows, CSVDataset reads \(rows.samples.count)")
        }
        for (slot, name) in rows.featureColumns.enumerated() where names.filter({ $0 == name }).count == 1 {
            let column = summary.columns[names.firstIndex(of: name)!]
            let values = rows.samples.map { Float(bitPattern: $0.features[slot]) }
            checkExtremes(column, values)
        }
        // A real-valued target column is numeric to the summary too, with the same extremes.
        if names.filter({ $0 == label }).count == 1, rows.samples.allSatisfy({ $0.targetValues.count == 1 }) {
            checkExtremes(summary.columns[names.firstIndex(of: label)!], rows.samples.map { Float(bitPattern: $0.targetValues[0]) })
        }
        if rows.categories == nil, names.filter({ $0 == label }).count == 1, rows.samples.allSatisfy({ $0.label != nil }) {
            let column = summary.columns[names.firstIndex(of: label)!]
            let labels = rows.samples.compactMap(\.label)
            if column.kind == .integer, column.integerSum != Int128(labels.reduce(0, +))
                || column.integerMinimum.map(Int.init) != labels.min() || column.integerMaximum.map(Int.init) != labels.max()
            {
                violation("CSVSummary's label column \(column) does not match the labels read, sum \(labels.reduce(0, +))")
            }
        }
    case (.failure(let failure), _) where failure.code == .noSuchColumn:
        break
    case (.failure(let failure), _) where failure.code == .notANumber:
        guard let found = summary.failure else { return }
        guard case .lineColumn(let line, let column) = failure.location, case .lineColumn(let foundLine, let foundColumn) = found.location,
              (line, column) < (foundLine, foundColumn)
        else { violation("CSVSummary finds \(found) before CSVDataset's \(failure)") }
    case (.failure(let failure), .failure(let found)):
        guard failure == found else { violation("CSVDataset and CSVSummary find other errors: \(failure), \(found)") }
    default:
        violation("CSVDataset and CSVSummary disagree: \(brief(dataset)), \(brief(summary))")
    }
}

/// A feature column the dataset read whole is numeric, and its extremes are the dataset's (the
/// summary's are Doubles, so a decimal may round to a neighbouring Float).
private func checkExtremes(_ column: CSVColumnSummary, _ values: [Float]) {
    let numbers = values.filter { !$0.isNaN }
    let extremes = (numbers.min() ?? .infinity, numbers.max() ?? -.infinity)
    switch column.kind {
    case .text:
        violation("column \(column.name) is text to CSVSummary, but CSVDataset read every value as a number")
    case .integer:
        guard let low = column.integerMinimum, let high = column.integerMaximum,
              (Float(low), Float(high)) == extremes
        else { violation("integer column \(column) has extremes \(extremes) in CSVDataset") }
    case .decimal:
        guard let low = column.minimum, let high = column.maximum,
              isNeighbour(Float(low), extremes.0), isNeighbour(Float(high), extremes.1)
        else { violation("decimal column \(column) has extremes \(extremes) in CSVDataset") }
    }
}

private func isNeighbour(_ first: Float, _ second: Float) -> Bool {
    first == second || first.nextUp == second || first.nextDown == second
}

/// The format the fuzzer reads a file in, from its first line.
private func sniffedFormat(_ bytes: [UInt8]) -> CSVFormat {
    let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    let line = bytes[start...].prefix { $0 != 0x0A && $0 != 0x0D }
    let delimiter = [",", ";", "\t", "|", "-"].first { line.contains(Character($0).asciiValue!) } ?? ","
    let startsWithDigit = line.first.map { (0x30...0x39).contains($0) } ?? false
    return CSVFormat(delimiter: Character(delimiter), hasHeader: !startsWithDigit, maxFieldLength: 64)
}

/// Each line's length in characters, lines ending at LF, CRLF or a lone CR, as an editor counts
/// them; characters as Swift's UTF-8 decoder makes them (an invalid sequence is one replacement
/// character); a byte-order mark is no character. Computed here to check the places errors name.
private struct LineTable {
    private var characters: [Int] = []

    init(_ bytes: [UInt8]) {
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var lineStart = index
        while index <= bytes.count {
            guard index == bytes.count || bytes[index] == 0x0D || bytes[index] == 0x0A else {
                index += 1
                continue
            }
            characters.append(String(decoding: bytes[lineStart..<index], as: UTF8.self).unicodeScalars.count)
            if index + 1 < bytes.count, bytes[index] == 0x0D, bytes[index + 1] == 0x0A { index += 1 }
            index += 1
            lineStart = index
        }
    }

    /// Whether `line` exists and `column` is in it or just after its last character.
    func contains(line: Int, column: Int) -> Bool {
        (1...characters.count).contains(line) && (1...(characters[line - 1] + 1)).contains(column)
    }
}
