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

    /// `{"format":"csv","shape":[rows,columns],"columns":[{"name":…,"type":…,"sum":…,"min":…,"max":…,"mean":…,"std":…,"exact":…},…]}`.
    ///
    /// An `int` column's sum, minimum and maximum are exact integers (`"exact":true`); a `float`
    /// column's are `Double`s, its sum rounded as it adds (`"exact":false`, and `≈` before a sum
    /// shown to 10 significant digits in the readable table), which is also what integers beyond
    /// `Int64` get. Mean and sample standard deviation leave NaN out. Text columns show only name
    /// and type.
    func summary() -> InspectionSummary {
        let columns = table.columns.map { column -> JSON in
            var members: [(String, JSON)] = [("name", .string(column.name)), ("type", .string(column.kind.rawValue))]
            if let statistics = Self.statistics(of: column) {
                members += [
                    ("sum", statistics.sum), ("min", statistics.minimum), ("max", statistics.maximum),
                    ("mean", column.mean.map(JSON.double) ?? .null), ("std", column.standardDeviation.map(JSON.double) ?? .null),
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
        var rows = [["column", "type", "sum", "mean", "std", "min", "max"]]
        for column in table.columns {
            var row = [column.name, column.kind.rawValue]
            if let statistics = Self.statistics(of: column) {
                let sum = statistics.isExact ? statistics.sum.readableText : "≈" + Self.rounded(column.sum)
                row += [sum, Self.rounded(column.mean, digits: 6), Self.rounded(column.standardDeviation, digits: 6),
                        statistics.minimum.readableText, statistics.maximum.readableText]
            }
            rows.append(row)
        }
        // Names are cut at 24 characters so that one long name does not push the table apart.
        let cells = rows.map { $0.enumerated().map { $0.offset == 0 && $0.element.count > 24 ? String($0.element.prefix(23)) + "…" : $0.element } }
        let widths = (0..<7).map { index in cells.map { index < $0.count ? $0[index].count : 0 }.max() ?? 0 }
        var lines = ["\(table.path): CSV, \(table.rowCount) rows x \(table.columns.count) columns"]
        for row in cells {
            // Text left-aligned, numbers right-aligned.
            let padded = row.enumerated().map { index, cell in
                index < 2 ? cell.padding(widths[index]) : String(repeating: " ", count: widths[index] - cell.count) + cell
            }
            lines.append("  " + padded.joined(separator: "  ").trimmingTrailingSpaces)
        }
        return InspectionSummary(json: json, readable: lines.joined(separator: "\n"))
    }

    /// `value` to `digits` significant digits (`-`, when there is none), infinities and NaN named.
    private static func rounded(_ value: Double?, digits: Int = 10) -> String {
        guard let value else { return "-" }
        return value.isFinite ? String(format: "%.\(digits)g", value) : JSON.double(value).readableText
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

    var trimmingTrailingSpaces: String {
        String(self[..<(lastIndex { $0 != " " }.map(index(after:)) ?? startIndex)])
    }
}
