/// Accumulates one column's kind and statistics over records.
struct CSVColumnAccumulator: Sendable {
    var kind = CSVColumnSummary.Kind.integer
    var integerSum: Int128 = 0
    var integerMinimum = Int64.max
    var integerMaximum = Int64.min
    var sum = 0.0
    var minimum = Double.infinity
    var maximum = -Double.infinity
    var count = 0
    /// The finite values' count, mean and sum of squared deviations from it (Welford's running
    /// form, merged with Chan's formula), for a mean and standard deviation that large values do not
    /// cancel; infinities are counted apart, since one makes the mean infinite and the deviation NaN.
    var momentCount = 0.0, mean = 0.0, squaredDeviations = 0.0
    var positiveInfinities = 0, negativeInfinities = 0

    /// Adds one field's value.
    mutating func add(_ field: CSVFieldSpan) {
        guard kind != .text else { return }
        count += 1
        if !field.isQuoted, let integer = Self.smallInteger(field) {
            addInteger(integer)
            let value = Double(integer)
            sum += value
            minimum = min(minimum, value)
            maximum = max(maximum, value)
            addMoment(value)
            return
        }
        guard !field.hasEscapes, let text = DecimalText.scan(field.bytes) else {
            kind = .text
            return
        }
        if kind == .integer {
            // Exact from the digits: a Double holds only 53 bits of a 64-bit integer.
            if text.isInteger, let integer = text.exactInteger {
                addInteger(integer)
            } else {
                kind = .decimal
            }
        }
        let value = DecimalConversion.double(text)
        sum += value
        if !value.isNaN {
            minimum = min(minimum, value)
            maximum = max(maximum, value)
            addMoment(value)
        }
    }

    private mutating func addMoment(_ value: Double) {
        guard value.isFinite else {
            if value > 0 { positiveInfinities += 1 } else { negativeInfinities += 1 }
            return
        }
        momentCount += 1
        let deviation = value - mean
        mean += deviation / momentCount
        squaredDeviations += deviation * (value - mean)
    }

    private mutating func addInteger(_ integer: Int64) {
        integerSum += Int128(integer)
        integerMinimum = min(integerMinimum, integer)
        integerMaximum = max(integerMaximum, integer)
    }

    /// Combines with the accumulator of the records that follow.
    mutating func append(_ later: CSVColumnAccumulator) {
        if later.kind == .text || kind == .text {
            kind = .text
        } else if later.kind == .decimal {
            kind = .decimal
        }
        integerSum += later.integerSum
        integerMinimum = min(integerMinimum, later.integerMinimum)
        integerMaximum = max(integerMaximum, later.integerMaximum)
        sum += later.sum
        let total = momentCount + later.momentCount
        if total > 0 {
            let deviation = later.mean - mean
            squaredDeviations += later.squaredDeviations + deviation * deviation * momentCount * later.momentCount / total
            mean += deviation * later.momentCount / total
        }
        momentCount = total
        positiveInfinities += later.positiveInfinities
        negativeInfinities += later.negativeInfinities
        minimum = min(minimum, later.minimum)
        maximum = max(maximum, later.maximum)
        count += later.count
    }

    func summary(name: String) -> CSVColumnSummary {
        let numeric = kind != .text && count > 0
        let integer = kind == .integer && count > 0
        // NaN is left out of the minimum and maximum; a column of NaNs alone has neither (its
        // starting ±infinity would otherwise read as values).
        let ordered = numeric && minimum <= maximum
        return CSVColumnSummary(
            name: name, kind: kind, integerSum: integer ? integerSum : nil,
            integerMinimum: integer ? integerMinimum : nil, integerMaximum: integer ? integerMaximum : nil,
            sum: numeric ? sum : nil, minimum: ordered ? minimum : nil, maximum: ordered ? maximum : nil,
            mean: numeric ? summaryMean : nil, standardDeviation: numeric ? summaryStandardDeviation : nil)
    }

    /// Exact integers' mean from their exact sum; NaN when both infinities were seen.
    private var summaryMean: Double? {
        switch (positiveInfinities > 0, negativeInfinities > 0) {
        case (true, true): return .nan
        case (true, false): return .infinity
        case (false, true): return -.infinity
        case (false, false): return momentCount == 0 ? nil : kind == .integer ? Double(integerSum) / momentCount : mean
        }
    }

    private var summaryStandardDeviation: Double? {
        let values = momentCount + Double(positiveInfinities + negativeInfinities)
        guard values > 1 else { return nil }
        return positiveInfinities + negativeInfinities > 0 ? .nan : (squaredDeviations / (momentCount - 1)).squareRoot()
    }

    /// An unsigned run of at most 18 digits, or one with a leading minus.
    private static func smallInteger(_ field: CSVFieldSpan) -> Int64? {
        var pointer = field.start
        let negative = pointer < field.end && pointer.pointee == UInt8(ascii: "-")
        if negative { pointer += 1 }
        guard pointer < field.end, field.end - pointer <= 18 else { return nil }
        var value: Int64 = 0
        while pointer < field.end {
            let digit = pointer.pointee &- 0x30
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
            pointer += 1
        }
        return negative ? -value : value
    }
}
