/// What one column of a CSV file holds: its kind over all records, and for numeric columns the
/// sum, minimum and maximum.
public struct CSVColumnSummary: Sendable, Equatable {
    /// The narrowest kind every value of the column fits.
    public enum Kind: String, Sendable {
        /// Every value is an integer (`-3`, `42`) within ±2^63.
        case integer = "int"
        /// Every value is a number, some not integers.
        case decimal = "float"
        /// Some value is not a number (an empty field counts as text).
        case text
    }

    public var name: String
    public var kind: Kind
    /// The exact sum, minimum and maximum of an integer column.
    public var integerSum: Int128?
    public var integerMinimum: Int64?
    public var integerMaximum: Int64?
    /// The sum of the values as `Double` (each correctly rounded, added in file order); nil for text.
    public var sum: Double?
    public var minimum: Double?
    public var maximum: Double?
}
