import ChildProcessSupport
import Foundation
import Testing

/// `loaders inspect` on files made to hurt, run as a user runs it: exit status 1 and one line on
/// stderr naming the file and the place.
///
/// Its memory is measured where `inspect` does its reading, `IDXArray` and `CSVSummary`, by
/// `IDXHostileInputTests` and `CSVLongLineTests` in a child process of their own. A spawned tool
/// cannot be measured from here: exec folds the spawning process's peak into the child's
/// (`wait4`'s `ru_maxrss` reports this test process's hundreds of megabytes).
@Suite struct HostileInputCommandTests {
    /// A hostile file, built in a fresh directory, and the line `inspect` must print for it.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var fileName: String
        /// Writes the file at the path given.
        var make: @Sendable (String) throws -> Void
        /// The message after `loaders inspect: PATH: `.
        var message: String
        var testDescription: String { name }
    }

    static func idxFixture(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: InspectTests.fixture("idx/" + name))))
    }

    /// Writes `prefix` and then a line of 12 MiB zero bytes without a line break, sparse, as
    /// `CSVLongLineTests` does.
    static func longLine(after prefix: String, at path: String) throws {
        try Data(prefix.utf8).write(to: URL(fileURLWithPath: path))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(prefix.utf8.count + (12 << 20)))
        try handle.close()
    }

    static let cases: [Case] = [
        // small-images-idx3-ubyte.gz, then 1024 members of 1 MiB of zeros: 1 GiB past the payload.
        Case(name: "gzip bomb", fileName: "bomb.gz", make: { path in
            let zeros = try idxFixture("zeros-1mib-member.gz")
            let bomb = try idxFixture("small-images-idx3-ubyte.gz") + (0..<1024).flatMap { _ in zeros }
            try Data(bomb).write(to: URL(fileURLWithPath: path))
        }, message: "byte 46: data continues after the 30-byte IDX payload the header declares (offset in the decompressed stream)"),
        Case(name: "2^40 elements, gzipped", fileName: "huge.gz", make: { path in
            try Data(try idxFixture("elements-2pow40.gz")).write(to: URL(fileURLWithPath: path))
        }, message: "byte 29: IDX header declares 1099511627776 payload bytes, more than a 29-byte gzip file can hold (offset in the compressed file)"),
        Case(name: "rank 255", fileName: "rank.idx", make: { path in
            try Data([0, 0, 8, 255]).write(to: URL(fileURLWithPath: path))
        }, message: "byte 3: IDX rank 255 is above the supported maximum 32 (offset in the file)"),
        Case(name: "CSV line without an end", fileName: "long.csv", make: { try longLine(after: "x,label\n1,0\n", at: $0) },
             message: #"line 3, column 1: the field in column "x" is longer than the limit of 1048576 bytes"#),
        Case(name: "CSV header without an end", fileName: "long-header.csv", make: { try longLine(after: "", at: $0) },
             message: "line 1, column 1: the field in column 1 is longer than the limit of 1048576 bytes"),
        Case(name: "UTF-16 CSV", fileName: "utf16.csv", make: { path in
            let text = "\u{FEFF}x,label\n1,0\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
            try Data(text).write(to: URL(fileURLWithPath: path))
        }, message: "line 1, column 1: the file is UTF-16 little-endian (it starts with the byte-order mark ff fe); save it as UTF-8"),
    ]

    @Test(arguments: cases)
    func inspectRefusesAHostileFileInOneLine(_ testCase: Case) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/" + testCase.fileName
        try testCase.make(path)
        // A generous deadline turns a hang into a failure instead of a stuck test run.
        let outcome = try await ChildProcess.run(
            LoadersTool.executable, ["inspect", path], environment: LoadersTool.environment, deadline: .seconds(120))
        #expect(!outcome.timedOut)
        #expect(outcome.reason == .exit && outcome.status == 1, "\(outcome.standardError)")
        #expect(outcome.standardError == "loaders inspect: \(path): \(testCase.message)\n")
    }
}
