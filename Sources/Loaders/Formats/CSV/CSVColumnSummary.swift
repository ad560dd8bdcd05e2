/// What one column of a CSV file holds: its kind over all records, and for numeric columns the
/// sum, minimum and maximum.
public struct CSVColumnSummary: Sendable, Equatable {
    /// The narrowest kind every value of the column fits.
    public enum Kind: String, Sendable {
        /// Every value is written as an integer (`-3`, `42`, `"7"`) within `Int64`'s range.
        case integer = "int"
        /// Every value is a number, some not written as integers, or beyond `Int64`'s range.
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
    /// The sum of the values as `Double` (each correctly rounded, added in file order): exact
    /// only by chance, so for an integer column use `integerSum`; nil for text.
    public var sum: Double?
    /// The least and greatest values as `Double`, NaN left out; nil for text or only NaN.
    public var minimum: Double?
    public var maximum: Double?
    /// The mean of the values other than NaN; nil for text or only NaN.
    public var mean: Double?
    /// The sample standard deviation (divided by n − 1, as pandas' `describe`) of the values other
    /// than NaN; nil for text or fewer than two.
    public var standardDeviation: Double?
}
