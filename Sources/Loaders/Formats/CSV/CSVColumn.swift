/// A column of a CSV file, chosen by its name in the header or by its 0-based index.
///
/// The two are different cases, so a header name that looks like a number (`"3"`) is never taken
/// for an index, nor an index for a name. A string literal is a name, an integer literal an index.
///
/// ```swift
/// let points = try CSVDataset("points.csv", targetColumns: ["y"], targets: .values)
/// let bare = try CSVDataset("bare.csv", targetColumns: [0], targets: .values, format: CSVFormat(hasHeader: false))
/// ```
public enum CSVColumn: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// The column whose header field is this name (`column1`, `column2`, … without a header).
    case name(String)
    /// The column at this 0-based index, as `columnNames[index]` lists it.
    case index(Int)

    public init(stringLiteral name: String) { self = .name(name) }
    public init(integerLiteral index: Int) { self = .index(index) }

    /// `"y"` for a name, `index 3` for an index, as messages show them.
    public var description: String {
        switch self {
        case .name(let name): LoaderError.quoted(name)
        case .index(let index): "index \(index)"
        }
    }
}
