/// What the parser does with one column's fields.
enum CSVColumnRole: UInt8, Sendable {
    /// Checked for well-formedness, otherwise ignored.
    case skip
    /// Converted to `Float` into the row's feature slot.
    case feature
    /// Converted to `Float` into the row's target value slot, as features are but without their
    /// fast paths (a few columns) and without deciding whether the features fit in bytes.
    case value
    /// Kept as a span for the caller to read after the record.
    case label
}
