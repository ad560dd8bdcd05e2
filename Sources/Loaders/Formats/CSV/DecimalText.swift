/// A decimal number scanned from text, before conversion to binary floating point.
///
/// The first 19 significant digits are kept exactly in `mantissa`; `exponent` places the last kept
/// digit, so the value is `mantissa × 10^exponent` when `isTruncated` is false. When more digits
/// follow, `isTruncated` says so and the slow, exact conversion re-reads them from `digits`.
struct DecimalText {
    enum Kind { case finite, infinity, nan }

    var kind: Kind = .finite
    var isNegative = false
    /// The first (up to) 19 significant digits as an integer.
    var mantissa: UInt64 = 0
    /// The power of ten of the last digit kept in `mantissa`.
    var exponent = 0
    /// Whether significant digits beyond the 19th were dropped from `mantissa`.
    var isTruncated = false
    /// Whether the text had no fraction and no exponent part (`-12`, `007`).
    var isInteger = true
    /// The bytes from the first digit (or dot) to the end of the fraction, for the exact path.
    var digits: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0)
    /// The explicit exponent after `e`/`E`, clamped to ±1,000,000.
    var explicitExponent = 0

    /// Scans a whole number from `bytes`, allowing spaces and tabs around it.
    ///
    /// Accepts `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?` and, as Python's
    /// `float()` does, `inf`, `infinity` and `nan` in any case with an optional sign.
    /// - Returns: nil when `bytes` is not exactly one number.
    /// - Complexity: O(`bytes.count`).
    static func scan(_ bytes: UnsafeRawBufferPointer) -> DecimalText? {
        guard var p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        var end = p + bytes.count
        while p < end, p.pointee == 0x20 || p.pointee == 0x09 { p += 1 }
        while end > p, end[-1] == 0x20 || end[-1] == 0x09 { end -= 1 }
        guard p < end else { return nil }
        var result = DecimalText()
        if p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+") {
            result.isNegative = p.pointee == UInt8(ascii: "-")
            p += 1
        }
        if p < end, p.pointee | 0x20 == UInt8(ascii: "i") || p.pointee | 0x20 == UInt8(ascii: "n") {
            let word = String(decoding: UnsafeRawBufferPointer(start: p, count: end - p), as: UTF8.self).lowercased()
            switch word {
            case "inf", "infinity": result.kind = .infinity
            case "nan": result.kind = .nan
            default: return nil
            }
            return result
        }
        let digitsStart = p
        var significant = 0          // significant digits seen (after leading zeros)
        var sawDigit = false
        var fractionDigitsKept = 0
        var integerDigitsDropped = 0
        while p < end, p.pointee &- 0x30 < 10 {
            let digit = UInt64(p.pointee &- 0x30)
            sawDigit = true
            if significant > 0 || digit != 0 {
                if significant < 19 {
                    result.mantissa = result.mantissa &* 10 &+ digit
                } else {
                    integerDigitsDropped += 1
                    if digit != 0 { result.isTruncated = true }
                }
                significant += 1
            }
            p += 1
        }
        if p < end, p.pointee == UInt8(ascii: ".") {
            result.isInteger = false
            p += 1
            while p < end, p.pointee &- 0x30 < 10 {
                let digit = UInt64(p.pointee &- 0x30)
                sawDigit = true
                if significant > 0 || digit != 0 {
                    if significant < 19 {
                        result.mantissa = result.mantissa &* 10 &+ digit
                        fractionDigitsKept += 1
                    } else if digit != 0 {
                        result.isTruncated = true
                    }
                    significant += 1
                } else {
                    fractionDigitsKept += 1   // a leading zero after the point still scales
                }
                p += 1
            }
        }
        guard sawDigit else { return nil }
        result.digits = UnsafeRawBufferPointer(start: digitsStart, count: p - digitsStart)
        if p < end, p.pointee | 0x20 == UInt8(ascii: "e") {
            result.isInteger = false
            p += 1
            var negativeExponent = false
            if p < end, p.pointee == UInt8(ascii: "-") || p.pointee == UInt8(ascii: "+") {
                negativeExponent = p.pointee == UInt8(ascii: "-")
                p += 1
            }
            guard p < end, p.pointee &- 0x30 < 10 else { return nil }
            var value = 0
            while p < end, p.pointee &- 0x30 < 10 {
                if value < 1_000_000 { value = value * 10 + Int(p.pointee &- 0x30) }
                p += 1
            }
            result.explicitExponent = negativeExponent ? -value : value
        }
        guard p == end else { return nil }
        result.exponent = result.explicitExponent + integerDigitsDropped - fractionDigitsKept
        return result
    }

    /// The number of decimal digits of `mantissa` (0 for zero).
    var mantissaDigitCount: Int {
        var count = 0
        var value = mantissa
        while value > 0 { value /= 10; count += 1 }
        return count
    }

    /// `d` such that the value lies in `[10^(d-1), 10^d)`; meaningful for a nonzero mantissa.
    var decimalMagnitude: Int { mantissaDigitCount + exponent }

    /// The value when it is exactly an integer within `Int64` (`-12`, `007`, `2.0`, `1e1`,
    /// `-9223372036854775808`); nil for anything else, decided on the digits, never through a
    /// `Double` (which has only 53 bits and would call `1234567890123456789` an even number).
    var exactInteger: Int64? {
        guard kind == .finite, !isTruncated else { return nil }
        guard mantissa != 0 else { return 0 }
        // 19 digits at most are kept, so a scale beyond 19 places is a fraction or too large.
        guard abs(exponent) <= 19 else { return nil }
        var magnitude = mantissa
        if exponent < 0 {
            for _ in 0 ..< -exponent {
                guard magnitude % 10 == 0 else { return nil }
                magnitude /= 10
            }
        } else {
            for _ in 0 ..< exponent {
                let (product, overflow) = magnitude.multipliedReportingOverflow(by: 10)
                guard !overflow else { return nil }
                magnitude = product
            }
        }
        if isNegative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }
}
