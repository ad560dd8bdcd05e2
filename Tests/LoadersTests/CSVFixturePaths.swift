/// Paths of the CSV test fixtures, found from this file's location.
enum CSVFixturePaths {
    /// `Fixtures/` at the package root.
    static let fixtures: String = {
        var components = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        components.removeLast(3)   // Tests/LoadersTests/CSVFixturePaths.swift
        return components.joined(separator: "/") + "/Fixtures"
    }()

    /// `Fixtures/csv/<name>`.
    static func csv(_ name: String) -> String { fixtures + "/csv/" + name }
}

import Foundation

extension CSVFixturePaths {
    /// Writes `bytes` to a new temporary file and returns its path.
    static func temporary(_ bytes: [UInt8], suffix: String = ".csv") throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("csv-test-\(UUID().uuidString)\(suffix)").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes `text` (UTF-8, byte for byte as written, "\r" and "\r\n" included) to a temporary file.
    static func temporary(_ text: String) throws -> String {
        try temporary(Array(text.utf8))
    }
}
