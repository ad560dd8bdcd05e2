/// Writes examples as CSV text, the target first (a class label, or each real target value),
/// then the features flattened: the shape `CSVDataset` reads back to the same values, bit for bit
/// (a NaN reads back as the default NaN; real targets with their columns as `targetColumns`).
///
/// Floats are written as the shortest text that reads back to the same `Float` (integral
/// values without a fraction: `0`, `255`), so the parser's correctly rounded conversion restores
/// them exactly. The caller takes the bytes as they accumulate and writes them where it wants.
///
/// ```swift
/// var writer = CSVWriter(featureCount: 2)
/// writer.append(Example(features: Tensor(shape: [2], scalars: [0.5, 3]), label: 1))
/// writer.take()   // "label,f0,f1\n1,0.5,3\n" as UTF-8
///
/// var points = CSVWriter(featureCount: 1, targetCount: 1)
/// points.append(Example(features: Tensor(shape: [1], scalars: [0.5]), target: .value(-2.5)))
/// points.take()   // "target,f0\n-2.5,0.5\n"
/// ```
public struct CSVWriter: Sendable {
    /// The bytes written and not yet taken.
    public private(set) var bytes: [UInt8] = []
    public let featureCount: Int
    /// Whether the examples carry class labels or real values.
    public let targetKind: TargetKind
    /// The number of target values per example: 1 for a class label.
    public let targetCount: Int
    private let delimiter: UInt8
    /// Whether numbers are written in quotes: only when the delimiter is a character numbers are
    /// written with (`.`, `-`, a digit, the `e` of an exponent, the letters of `inf` and `nan`),
    /// which would otherwise split them.
    private let quotesNumbers: Bool

    /// Starts with the header row: `labelName`, then `featureNames` (default `f0`, `f1`, …).
    /// - Precondition: `featureNames`, when given, has `featureCount` names.
    public init(featureCount: Int, labelName: String = "label", featureNames: [String]? = nil, format: CSVFormat = .standard) {
        self.init(featureCount: featureCount, targets: .labels, targetNames: [labelName], featureNames: featureNames, format: format)
    }

    /// Starts a file of real-valued targets with the header row: `targetNames` (default `target`
    /// for one value, `target0`, `target1`, … for several), then `featureNames` (default `f0`,
    /// `f1`, …). Read it back with `CSVDataset(path, targetColumns: [0, …], targets: .values)`.
    /// - Precondition: `targetCount > 0`; the names, when given, are as many as the values.
    public init(
        featureCount: Int, targetCount: Int, targetNames: [String]? = nil, featureNames: [String]? = nil,
        format: CSVFormat = .standard
    ) {
        require(targetCount > 0, "targetCount must be positive, got \(targetCount)")
        let names = targetNames ?? (targetCount == 1 ? ["target"] : (0..<targetCount).map { "target\($0)" })
        require(names.count == targetCount, "\(names.count) target names for \(targetCount) target values")
        self.init(featureCount: featureCount, targets: .values, targetNames: names, featureNames: featureNames, format: format)
    }

    private init(featureCount: Int, targets: TargetKind, targetNames: [String], featureNames: [String]?, format: CSVFormat) {
        let names = featureNames ?? (0..<featureCount).map { "f\($0)" }
        require(names.count == featureCount, "\(names.count) feature names for \(featureCount) features")
        self.featureCount = featureCount
        self.targetKind = targets
        targetCount = targetNames.count
        delimiter = format.delimiter
        quotesNumbers = Array("0123456789.-+einfa".utf8).contains(format.delimiter)
        if format.hasHeader {
            for (index, name) in (targetNames + names).enumerated() {
                if index > 0 { bytes.append(delimiter) }
                appendText(name)
            }
            bytes.append(0x0A)
        }
    }

    /// Appends one record: the label or the target values, then the features in row-major order.
    /// - Precondition: the example has `featureCount` features, and a class label or
    ///   `targetCount` target values as the writer was started for.
    public mutating func append(_ example: Example) {
        require(example.features.count == featureCount, "example has \(example.features.count) features, the header \(featureCount)")
        switch (targetKind, example.target) {
        case (.labels, .label(let label)):
            if quotesNumbers { bytes.append(0x22) }
            bytes.append(contentsOf: String(label).utf8)
            if quotesNumbers { bytes.append(0x22) }
        case (.values, .values(let values)):
            require(values.count == targetCount, "example has \(values.count) target values, the header \(targetCount)")
            for (index, value) in values.scalars.enumerated() {
                if index > 0 { bytes.append(delimiter) }
                appendNumberField(value)
            }
        case (.labels, .values):
            require(false, "this CSVWriter writes class labels, and the example has real-valued targets; start it with targetCount:")
        case (.values, .label):
            require(false, "this CSVWriter writes real-valued targets, and the example has a class label")
        }
        for value in example.features.scalars {
            bytes.append(delimiter)
            appendNumberField(value)
        }
        bytes.append(0x0A)
    }

    /// Returns the bytes written so far and forgets them.
    public mutating func take() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    private mutating func appendNumberField(_ value: Float) {
        if quotesNumbers { bytes.append(0x22) }
        appendNumber(value)
        if quotesNumbers { bytes.append(0x22) }
    }

    private mutating func appendNumber(_ value: Float) {
        if value == value.rounded(), abs(value) < 1e9, !(value == 0 && value.sign == .minus) {
            var integer = Int(value)
            if integer < 0 {
                bytes.append(UInt8(ascii: "-"))
                integer = -integer
            }
            if integer < 10 {
                bytes.append(0x30 + UInt8(integer))
                return
            }
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var count = 0
            withUnsafeMutableBytes(of: &digits) { buffer in
                while integer > 0 {
                    buffer[count] = 0x30 + UInt8(integer % 10)
                    integer /= 10
                    count += 1
                }
                for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
            }
            return
        }
        // `description` is the shortest round-tripping form: 0.1, 1e-05, -0.0, inf, nan.
        bytes.append(contentsOf: value.description.utf8)
    }

    /// A text field, quoted when it holds the delimiter, a quote or a line break.
    private mutating func appendText(_ text: String) {
        let utf8 = Array(text.utf8)
        guard utf8.contains(where: { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            bytes.append(contentsOf: utf8)
            return
        }
        bytes.append(0x22)
        for byte in utf8 {
            bytes.append(byte)
            if byte == 0x22 { bytes.append(0x22) }
        }
        bytes.append(0x22)
    }
}
