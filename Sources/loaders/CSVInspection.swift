import Loaders

/// The CSV part of `loaders inspect`: rows and columns, and each column's kind with the sum,
/// minimum and maximum of the numeric ones.
struct CSVInspection {
    let table: CSVSummary

    /// Reads every record of the CSV file at `path`.
    /// - Throws: `LoaderError` naming the file, line and column of bad input.
    init(path: String, format: CSVFormat = .standard) throws {
        table = try CSVSummary(path: path, format: format)
    }

    /// `{"format":"csv","shape":[rows,columns],"columns":[{"name":…,"type":…,"sum":…,"min":…,"max":…,"exact":…},…]}`.
    ///
    /// An `int` column's statistics are exact integers (`"exact":true`); a `float` column's are
    /// `Double`s, its sum rounded as it adds (`"exact":false`, and `sum ≈` in the readable form),
    /// which is also what integers beyond `Int64` get. Text columns show only name and type.
    func summary() -> InspectionSummary {
        let columns = table.columns.map { column -> JSON in
            var members: [(String, JSON)] = [("name", .string(column.name)), ("type", .string(column.kind.rawValue))]
            if let statistics = Self.statistics(of: column) {
                members += [
                    ("sum", statistics.sum), ("min", statistics.minimum), ("max", statistics.maximum),
                    ("exact", .bool(statistics.isExact)),
                ]
            }
            return .object(members)
        }
        let json = JSON.object([
            ("format", .string("csv")),
            ("shape", .array([.integer(Int128(table.rowCount)), .integer(Int128(table.columns.count))])),
            ("columns", .array(columns)),
        ])
        let nameWidth = min(24, table.columns.map(\.name.count).max() ?? 0)
        var lines = ["\(table.path): CSV, \(table.rowCount) rows x \(table.columns.count) columns"]
        for column in table.columns {
            var line = "  \(column.name.padding(nameWidth))  \(column.kind.rawValue.padding(5))"
            if let statistics = Self.statistics(of: column) {
                line += "  sum \(statistics.isExact ? "" : "≈")\(statistics.sum.readableText)"
                line += "  min \(statistics.minimum.readableText)  max \(statistics.maximum.readableText)"
            }
            lines.append(line)
        }
        return InspectionSummary(json: json, readable: lines.joined(separator: "\n"))
    }

    /// A numeric column's sum, minimum and maximum (null when only NaN was seen), and whether
    /// they are exact; nil for a text column.
    private static func statistics(of column: CSVColumnSummary) -> (sum: JSON, minimum: JSON, maximum: JSON, isExact: Bool)? {
        if let sum = column.integerSum, let minimum = column.integerMinimum, let maximum = column.integerMaximum {
            return (.integer(sum), .integer(Int128(minimum)), .integer(Int128(maximum)), true)
        }
        guard let sum = column.sum else { return nil }
        return (.double(sum), column.minimum.map(JSON.double) ?? .null, column.maximum.map(JSON.double) ?? .null, false)
    }
}

private extension String {
    func padding(_ width: Int) -> String {
        count < width ? self + String(repeating: " ", count: width - count) : self
    }
}
