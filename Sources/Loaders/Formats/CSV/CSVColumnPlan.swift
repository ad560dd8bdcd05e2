/// Which columns of a CSV file become the features and which the targets, resolved against the
/// file's schema once, before any record is parsed.
struct CSVColumnPlan: Sendable {
    /// How target fields become a sample's target.
    enum TargetReading: Sendable, Equatable {
        /// One column of integer class labels, taken as they are; a fraction is an error.
        case integerLabels
        /// One column of text class labels, numbered 0..<k in order of first appearance.
        case categoryLabels
        /// Real values, one per target column, converted to `Float` as features are.
        case values
    }

    let schema: CSVSchema
    /// The target columns, in the order their values appear in a sample's target.
    let targetIndices: [Int]
    let targetReading: TargetReading
    let featureIndices: [Int]
    let roles: [CSVColumnRole]
    let slots: [Int]

    var featureCount: Int { featureIndices.count }
    /// The number of real target values per record: 0 for a class label.
    var valueCount: Int { targetReading == .values ? targetIndices.count : 0 }
    var hasCategories: Bool { targetReading == .categoryLabels }

    /// - Parameters:
    ///   - targetColumns: the target columns, by name or index; one for `.labels`.
    ///   - targets: class labels or real values.
    ///   - featureColumns: the feature columns, in the order wanted; nil for every column other
    ///     than the targets whose first value is a number.
    /// - Throws: `LoaderError` `.noSuchColumn` for an unknown name or index, a column chosen
    ///   twice, a target used as a feature, or no feature column at all; `.ambiguousColumn` for a
    ///   name two columns share; `.unsupported` for several columns as class labels.
    init(schema: CSVSchema, path: String, targetColumns: [CSVColumn], targets: TargetKind, featureColumns: [CSVColumn]?) throws {
        require(!targetColumns.isEmpty, "targetColumns must name at least one column")
        self.schema = schema
        let targetIndices = try Self.indices(of: targetColumns, among: "targets", schema: schema, path: path)
        switch targets {
        case .labels:
            guard targetIndices.count == 1 else {
                let names = targetColumns.map(\.description).joined(separator: ", ")
                throw LoaderError(
                    .unsupported,
                    "\(targetColumns.count) target columns (\(names)) cannot be class labels: a sample has one; "
                        + "read several targets as real values (TargetKind.values, --task regression)",
                    path: path)
            }
            // A numeric label column must hold integers (`2.0` and `1e1` count); the row that does
            // not is reported with its line and column when it is read.
            targetReading = schema.kinds[targetIndices[0]] == .text ? .categoryLabels : .integerLabels
        case .values:
            targetReading = .values
        }
        self.targetIndices = targetIndices
        if let featureColumns {
            featureIndices = try Self.indices(of: featureColumns, among: "features", schema: schema, path: path)
            if let clash = featureIndices.firstIndex(where: targetIndices.contains) {
                throw LoaderError(
                    .noSuchColumn,
                    "column \(Self.describe(featureColumns[clash], schema: schema)) is a target; it cannot also be a feature",
                    path: path)
            }
        } else {
            featureIndices = schema.kinds.indices.filter { !targetIndices.contains($0) && schema.kinds[$0] != .text }
        }
        guard !featureIndices.isEmpty else {
            let names = targetIndices.map { LoaderError.quoted(schema.names[$0]) }.joined(separator: ", ")
            throw LoaderError(.noSuchColumn, "no numeric feature columns besides the target \(names)", path: path)
        }
        var roles = [CSVColumnRole](repeating: .skip, count: schema.columnCount)
        var slots = [Int](repeating: 0, count: schema.columnCount)
        for (slot, column) in targetIndices.enumerated() {
            roles[column] = targetReading == .values ? .value : .label
            slots[column] = slot
        }
        for (slot, column) in featureIndices.enumerated() {
            roles[column] = .feature
            slots[column] = slot
        }
        self.roles = roles
        self.slots = slots
    }

    /// The indices of `columns`, each column at most once: a column has one slot in the row, so
    /// chosen twice (by name or index alike) the first slot would never be written.
    private static func indices(of columns: [CSVColumn], among role: String, schema: CSVSchema, path: String) throws -> [Int] {
        let indices = try columns.map { try schema.index(of: $0, path: path) }
        if let repeated = indices.indices.first(where: { indices[..<$0].contains(indices[$0]) }) {
            throw LoaderError(
                .noSuchColumn, "column \(describe(columns[repeated], schema: schema)) is named twice among the \(role)", path: path)
        }
        return indices
    }

    /// A chosen column for a message: its name, and its name too when chosen by index.
    private static func describe(_ column: CSVColumn, schema: CSVSchema) -> String {
        switch column {
        case .name: column.description
        case .index(let index): "\(LoaderError.quoted(schema.names[index])) (index \(index))"
        }
    }

    var featureNames: [String] { featureIndices.map { schema.names[$0] } }

    /// `shape`, or a flat `[featureCount]` when nil, once it is known to hold the features.
    /// - Throws: `LoaderError` `.mismatch` when a dimension is not positive or the product is not
    ///   `featureCount` (an overflowing product included, which never traps).
    func featureShape(_ shape: [Int]?, path: String) throws -> [Int] {
        guard let shape else { return [featureCount] }
        var product = 1
        for dimension in shape {
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard dimension > 0, !overflow else { product = -1; break }
            product = next
        }
        guard product == featureCount else {
            throw LoaderError(.mismatch, "shape \(shape) does not hold the \(featureCount) feature columns", path: path)
        }
        return shape
    }
}
