import Foundation
@testable import Loaders

/// Paths of the files under Fixtures/, found relative to this source file.
enum IDXFixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    /// A file under Fixtures/idx/ (made by Fixtures/idx/make_fixtures.py).
    static func idx(_ name: String) -> String {
        root.appendingPathComponent("idx").appendingPathComponent(name).path
    }

    /// The directory holding the four MNIST .gz files.
    static var mnist: String { root.appendingPathComponent("mnist").path }

    /// Writes `bytes` to a fresh temporary file and returns its path.
    static func temporaryFile(_ bytes: [UInt8], name: String = "file") throws -> String {
        let directory = try temporaryDirectory()
        let path = directory.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A fresh, empty temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("swiftloaders-idx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Reads every decompressed byte of a gzip file with `GzipReader`, `chunk` bytes at a time.
    static func gunzip(_ path: String, chunk: Int = 1 << 16, blockSize: Int = 1 << 20) throws -> [UInt8] {
        let reader = try GzipReader(path: path, blockSize: blockSize)
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let got = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
            output += buffer[..<got]
            if got < chunk { return output }
        }
    }

    /// Runs `body` and returns the `LoaderError` it throws, or nil when it throws none.
    static func loaderError(_ body: () throws -> Void) -> LoaderError? {
        do {
            try body()
            return nil
        } catch let error as LoaderError {
            return error
        } catch {
            return LoaderError(.io, "unexpected error type: \(error)")
        }
    }
}
