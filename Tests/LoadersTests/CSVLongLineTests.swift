import Foundation
import Testing
@testable import Loaders

/// One enormous line with no line break: NUL bytes in a sparse file (no disk blocks; it reads
/// back as zeros), as the header, or as line 3 after a valid header and record. Every reader
/// stops at the field-length limit with `.fieldTooLong` at the line's first column, holding a few
/// block buffers rather than the line, and without searching the line once per piece it cuts the
/// file into.
///
/// The suite's line is 12 MiB; the 1 GiB case is run by hand (about five minutes in a debug
/// build): `LOADERS_LONG_LINE_BYTES=1073741824 swift test --filter CSVLongLineTests`.
@Suite struct CSVLongLineTests {
    static let lineBytes: Int = {
        guard let text = ProcessInfo.processInfo.environment["LOADERS_LONG_LINE_BYTES"], let value = Int(text) else { return 12 << 20 }
        return max(value, 4 << 20)
    }()

    /// Writes `prefix` followed by `lineBytes` zero bytes, as a sparse file.
    static func sparseFile(after prefix: String, lineBytes: Int) throws -> String {
        let path = try CSVFixturePaths.temporary(prefix)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(prefix.utf8.count + lineBytes))
        try handle.close()
        return path
    }

    /// Every reader of a whole CSV file; each reads to the end.
    enum Reader: CaseIterable {
        case dataset, streaming, summary

        func read(_ path: String) throws {
            switch self {
            case .dataset: _ = try CSVDataset(path)
            case .streaming:
                let dataset = try CSVStreamingDataset(path)
                for shard in 0..<dataset.shardCount {
                    var stream = try dataset.stream(shard: shard)
                    while try stream.next() != nil {}
                }
            case .summary: _ = try CSVSummary(path: path)
            }
        }
    }

    /// Each reader on each place of a `lineBytes` line, expecting the error at its start.
    private func readLongLines(lineBytes: Int) throws {
        // The line as the header, after an integer label's record, and after a text label's,
        // which the streaming reader reads through once at opening, to number the labels.
        let cases: [(String, Int, [Reader])] = [
            ("", 1, Reader.allCases), ("x,label\n1,0\n", 3, Reader.allCases), ("x,label\r\n1,cat\r\n", 3, [.streaming]),
        ]
        for (prefix, line, readers) in cases {
            let path = try Self.sparseFile(after: prefix, lineBytes: lineBytes)
            defer { try? FileManager.default.removeItem(atPath: path) }
            for reader in readers {
                let error = try #require(throws: LoaderError.self, "\(reader), line \(line)") { try reader.read(path) }
                #expect(error.code == .fieldTooLong, "\(reader): \(error)")
                #expect(error.location == .lineColumn(line: line, column: 1), "\(reader): \(error)")
                #expect(error.path == path)
            }
        }
    }

    /// Cuts that fall inside one long line (plain, or a quoted field of line breaks) find no
    /// record start in their own piece and leave it empty instead of searching on: every piece
    /// inside begins where the next record does, 4,003 and 4,005 bytes in (worked by hand).
    @Test(arguments: [
        ("a\n" + String(repeating: "x", count: 4_000) + "\nb\nc\n", 4_003),
        ("a\n\"" + String(repeating: "x\n", count: 2_000) + "\"\nb\n", 4_005),
    ])
    func cutsInsideALongLineLeaveTheirPiecesEmpty(text: String, next: Int) throws {
        let path = try CSVFixturePaths.temporary(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let size = text.utf8.count
        #expect(size == 4_007)
        // Nominal cuts at 4,007 k / 8: 500, 1,001, …, 3,506, all inside the long line.
        let bounds = try CSVSplitter.bounds(of: CSVText(path: path, format: .standard), from: 0, to: size, pieces: 8, threads: 2)
        #expect(bounds == [0] + Array(repeating: next, count: 7) + [size])
        // Line starts regardless of quotes: none in the plain line; in the quoted field, after
        // each line feed, which sit at the even offsets from 4.
        let file = try CSVText(path: path, format: .standard)
        let quoted = text.hasPrefix("a\n\"")
        #expect(try CSVSplitter.lineStart(in: file, atOrAfter: 500, before: 1_001) == (quoted ? 501 : nil))
        #expect(try CSVSplitter.lineStart(in: file, atOrAfter: 3_506, before: size) == (quoted ? 3_507 : next))
    }

    /// The random-access reader, cut into 500-byte pieces, reads the records around a long line
    /// whole, whatever its pieces guessed.
    @Test(arguments: [String(repeating: "x", count: 4_000), "\"" + String(repeating: "x\n", count: 2_000) + "\""])
    func piecesInsideALongLineHoldNoRecords(longField: String) throws {
        let path = try CSVFixturePaths.temporary("t,x,label\n" + longField + ",1,0\nb,2,1\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let dataset = try CSVDataset(
            path, labelColumn: "label", featureColumns: nil, shape: nil, format: .standard, threads: 2, minimumPieceBytes: 500)
        #expect(dataset.featureColumns == ["x"])
        #expect(try dataset.samples(at: [0, 1]).map(\.features.scalars) == [[1], [2]])
        #expect(try dataset.samples(at: [0, 1]).map(\.label) == [0, 1])
    }

    /// Runs alone in a child process: the peak resident memory is the whole process's. A first
    /// pass over a line just past the limit starts the threads and the buffers the readers keep
    /// reusing; what the long line's pass adds to the peak after it must be nothing like the line.
    @Test func aLineLongerThanTheFieldLimitIsRefusedAtItsStartInBoundedMemory() async throws {
        guard try await runningAloneInChildProcess("aLineLongerThanTheFieldLimitIsRefusedAtItsStartInBoundedMemory") else { return }
        try readLongLines(lineBytes: CSVFormat.standard.maxFieldLength + 1)
        ProcessResources.resetPeakResidentBytes()
        let before = ProcessResources.residentBytes
        try readLongLines(lineBytes: Self.lineBytes)
        let growth = ProcessResources.peakResidentBytes - before
        // Holding the line once would pass three quarters of it.
        #expect(growth < min(Self.lineBytes / 4 * 3, 32 << 20), "peak resident memory grew by \(growth) bytes reading a \(Self.lineBytes)-byte line")
    }
}
