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
