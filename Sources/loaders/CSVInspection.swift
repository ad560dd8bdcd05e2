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

    /// `{"format":"csv","shape":[rows,columns],"columns":[{"name":…,"type":…,"sum":…,"min":…,"max":…},…]}`;
    /// integer columns print exact integers, text columns only their name and type.
    func summary() -> InspectionSummary {
        let columns = table.columns.map { column -> JSON in
            var members: [(String, JSON)] = [("name", .string(column.name)), ("type", .string(column.kind.rawValue))]
            if let sum = column.integerSum, let minimum = column.integerMinimum, let maximum = column.integerMaximum {
                members += [("sum", .integer(sum)), ("min", .integer(Int128(minimum))), ("max", .integer(Int128(maximum)))]
            } else if let sum = column.sum, let minimum = column.minimum, let maximum = column.maximum {
                members += [("sum", .double(sum)), ("min", .double(minimum)), ("max", .double(maximum))]
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
            let name = column.name.count < nameWidth ? column.name + String(repeating: " ", count: nameWidth - column.name.count) : column.name
            var line = "  \(name)  \(column.kind.rawValue.padding(5))"
            if let sum = column.integerSum, let minimum = column.integerMinimum, let maximum = column.integerMaximum {
                line += "  sum \(sum)  min \(minimum)  max \(maximum)"
            } else if let sum = column.sum, let minimum = column.minimum, let maximum = column.maximum {
                line += "  sum \(sum)  min \(minimum)  max \(maximum)"
            }
            lines.append(line)
        }
        return InspectionSummary(json: json, readable: lines.joined(separator: "\n"))
    }
}

private extension String {
    func padding(_ width: Int) -> String {
        count < width ? self + String(repeating: " ", count: width - count) : self
    }
}
