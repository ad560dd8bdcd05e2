import Foundation
import Testing
@testable import Loaders

/// The outcome of opening a file, comparable across runs: the rows read, or the error's code
/// and place.
private enum Outcome: Equatable {
    case rows([Example], [String]?)
    case error(LoaderError.Code, LoaderError.Location?)
}

private func open(_ path: String, threads: Int, pieceBytes: Int) -> Outcome {
    outcome {
        let dataset = try CSVDataset(
            path, labelColumn: "label", featureColumns: nil, shape: nil, format: .standard, threads: threads,
            minimumPieceBytes: pieceBytes)
        return (try (0..<dataset.count).map { try dataset.sample(at: $0) }, dataset.labelCategories)
    }
}

/// Every shard of the file streamed in order, the shards cut by quote counts every `shardBytes`.
private func stream(_ path: String, shards: Int, shardBytes: Int) -> Outcome {
    outcome {
        let dataset = try CSVStreamingDataset(
            path, labelColumn: "label", featureColumns: nil, shape: nil, format: .standard, shards: shards,
            minimumShardBytes: shardBytes)
        var rows: [Example] = []
        for shard in 0..<dataset.shardCount {
            var stream = try dataset.stream(shard: shard)
            while let row = try stream.next() { rows.append(row) }
        }
        return (rows, dataset.labelCategories)
    }
}

private func outcome(_ read: () throws -> ([Example], [String]?)) -> Outcome {
    do {
        let (rows, categories) = try read()
        return .rows(rows, categories)
    } catch let error as LoaderError {
        return .error(error.code, error.location)
    } catch {
        Issue.record("not a LoaderError: \(error)")
        return .error(.io, nil)
    }
}

/// Random files built from CSV's own alphabet (quotes, delimiters, line ends, digits, signs)
/// never crash the reader, and cutting them into many small pieces read by several threads, or
/// into small streaming shards, changes nothing: the same rows, or the same first error at the
/// same line and column.
@Test func csvRandomFilesReadTheSameWhateverTheCuts() throws {
    var random = SeededGenerator(seed: 2026)
    let alphabet = Array("0123456789,,,,\"\"\n\n\r-.e x".utf8)
    var sawRows = 0
    for trial in 0..<300 {
        var bytes = Array("label,a,b\n".utf8)
        let length = Int(random.next() % 3_000)
        if trial % 2 == 0 {
            // Mostly well-formed rows with an occasional random byte.
            while bytes.count < length {
                let row = "\(random.next() % 5),\(random.next() % 300),\"\(random.next() % 100).5\"\n"
                bytes += Array(row.utf8)
                if random.next() % 400 == 0 { bytes.append(alphabet[Int(random.next() % UInt64(alphabet.count))]) }
            }
        } else {
            for _ in 0..<length { bytes.append(alphabet[Int(random.next() % UInt64(alphabet.count))]) }
        }
        let path = try CSVFixturePaths.temporary(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let whole = open(path, threads: 1, pieceBytes: 1 << 20)
        let cut = open(path, threads: 3, pieceBytes: 97)
        #expect(whole == cut, "trial \(trial)")
        #expect(whole == stream(path, shards: 6, shardBytes: 89), "trial \(trial)")
        if case .rows(let rows, _) = whole, !rows.isEmpty { sawRows += 1 }
    }
    #expect(sawRows > 60)
}
