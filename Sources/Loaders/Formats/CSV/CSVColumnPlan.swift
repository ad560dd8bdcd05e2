/// Which columns of a CSV file become the features and which the label, resolved against the
/// file's schema once, before any record is parsed.
struct CSVColumnPlan: Sendable {
    /// How label fields become label numbers.
    enum LabelKind: Sendable, Equatable {
        /// Integer values, taken as they are; a fraction is an error.
        case integer
        /// Text values, numbered 0..<k in order of first appearance.
        case categories
    }

    let schema: CSVSchema
    let labelIndex: Int
    let labelKind: LabelKind
    let featureIndices: [Int]
    let roles: [CSVColumnRole]
    let slots: [Int]

    var featureCount: Int { featureIndices.count }

    /// - Parameters:
    ///   - featureColumns: the feature columns by name, in the order wanted; nil for every column
    ///     other than the label whose first value is a number.
    /// - Throws: `LoaderError` `.noSuchColumn` for an unknown name, a label used as a feature, a
    ///   feature named twice, or no feature column at all.
    init(schema: CSVSchema, path: String, labelColumn: String, featureColumns: [String]?) throws {
        self.schema = schema
        labelIndex = try schema.index(of: labelColumn, path: path)
        // A numeric label column must hold integers (`2.0` and `1e1` count); the row that does not
        // is reported with its line and column when it is read.
        labelKind = schema.kinds[labelIndex] == .text ? .categories : .integer
        let labelIndex = self.labelIndex
        if let featureColumns {
            featureIndices = try featureColumns.map { try schema.index(of: $0, path: path) }
            if let clash = featureIndices.firstIndex(of: labelIndex) {
                throw LoaderError(.noSuchColumn, "column \(LoaderError.quoted(featureColumns[clash])) is the label; it cannot also be a feature", path: path)
            }
            // A column has one slot in the row: named twice, the first slot would never be written.
            let named = featureIndices
            if let repeated = named.indices.first(where: { named[..<$0].contains(named[$0]) }) {
                throw LoaderError(.noSuchColumn, "column \(LoaderError.quoted(featureColumns[repeated])) is named twice among the features", path: path)
            }
        } else {
            featureIndices = schema.kinds.indices.filter { $0 != labelIndex && schema.kinds[$0] != .text }
        }
        guard !featureIndices.isEmpty else {
            throw LoaderError(.noSuchColumn, "no numeric feature columns besides the label \"\(labelColumn)\"", path: path)
        }
        var roles = [CSVColumnRole](repeating: .skip, count: schema.columnCount)
        var slots = [Int](repeating: 0, count: schema.columnCount)
        roles[labelIndex] = .label
        for (slot, column) in featureIndices.enumerated() {
            roles[column] = .feature
            slots[column] = slot
        }
        self.roles = roles
        self.slots = slots
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
