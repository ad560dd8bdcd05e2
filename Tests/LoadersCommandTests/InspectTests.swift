import Foundation
import Loaders
import Testing
@testable import loaders

@Suite struct InspectTests {
    static func fixture(_ relative: String) -> String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(relative).path
    }

    @Test func jsonKeepsKeyOrderEscapesStringsAndPrintsNumbersExactly() {
        let value = JSON.object([
            ("z", .integer(170_141_183_460_469_231_731_687_303_715_884_105_727)),
            ("a", .string("quote \" backslash \\ newline \n tab \t bell \u{7}")),
            ("d", .array([.double(0.1), .double(1e300), .double(-0.0), .double(.nan), .float(0.1), .null, .bool(true)])),
        ])
        #expect(value.text == #"{"z":170141183460469231731687303715884105727,"a":"quote \" backslash \\ newline \n tab \t bell \u0007","d":[0.1,1e+300,-0.0,"nan",0.1,null,true]}"#)
    }

    /// Expected values: numpy on the arrays make_fixtures.py wrote (sum with int64 / float64).
    @Test(arguments: [
        ("idx/int16.idx.gz", #"{"format":"idx","dtype":"int16","shape":[2,3],"sum":298,"min":-32768,"max":32767}"#),
        ("idx/int32.idx", #"{"format":"idx","dtype":"int32","shape":[2,3],"sum":0,"min":-2147483648,"max":2147483647}"#),
        ("idx/rank4-int16.idx", #"{"format":"idx","dtype":"int16","shape":[2,1,2,2],"sum":-4,"min":-4,"max":3}"#),
        ("idx/float64.idx", #"{"format":"idx","dtype":"float64","shape":[2,3],"sum":1e+300,"min":-1.5,"max":1e+300,"nan":0}"#),
        ("mnist/t10k-labels-idx1-ubyte.gz", #"{"format":"idx","dtype":"uint8","shape":[10000],"sum":44434,"min":0,"max":9}"#),
    ])
    func idxSummaryJSON(file: String, expected: String) throws {
        let path = Self.fixture(file)
        #expect(try FileFormat.detect(path: path) == .idx)
        #expect(try IDXInspection(path: path).summary().json.text == expected)
    }

    /// A NaN is counted, and the sum, minimum and maximum are numpy's nansum, nanmin and nanmax of
    /// [1.5, nan, -2.0, 0.25]: -0.25, -2.0 and 1.5.
    @Test func floatNaNsAreCountedNotHidden() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("nan-\(UUID().uuidString).idx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var bytes: [UInt8] = [0, 0, 0x0D, 1, 0, 0, 0, 4]  // float32, rank 1, 4 elements
        for value: Float in [1.5, .nan, -2.0, 0.25] {
            withUnsafeBytes(of: value.bitPattern.bigEndian) { bytes += $0 }
        }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let expected = #"{"format":"idx","dtype":"float32","shape":[4],"sum":-0.25,"min":-2.0,"max":1.5,"nan":1}"#
        #expect(try IDXInspection(path: path).summary().json.text == expected)
    }

    @Test func unknownFormatIsRefusedAtByteZero() throws {
        let path = Self.fixture("csv/numbers.txt")
        do {
            _ = try FileFormat.detect(path: path)
            Issue.record("numbers.txt was taken for a supported format")
        } catch let error as LoaderError {
            #expect(error.code == .unsupported)
            #expect(error.location == .byteOffset(0))
            #expect(error.path == path)
        }
    }
}

extension InspectTests {
    /// Opening a named pipe would wait for a writer forever; every reader refuses it at once.
    @Test func aNamedPipeIsRefusedWithoutWaiting() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let idx = directory.appendingPathComponent("data.idx").path
        let csv = directory.appendingPathComponent("data.csv").path
        #expect(mkfifo(idx, 0o600) == 0 && mkfifo(csv, 0o600) == 0)
        #expect(throws: LoaderError.self) { _ = try FileFormat.detect(path: idx) }  // reads the leading bytes
        #expect(throws: LoaderError.self) { _ = try IDXArray(contentsOf: idx) }
        #expect(try FileFormat.detect(path: csv) == .csv(delimiter: ","))          // by its extension
        #expect(throws: LoaderError.self) { _ = try CSVDataset(csv, labelColumn: "label") }
    }
}
