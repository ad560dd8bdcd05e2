/// Correctly rounded conversion of scanned decimal text to `Float` and `Double` (round to nearest,
/// ties to even), without Foundation or `strtod`.
///
/// Why three paths: almost every value in a data file has few digits and a small exponent, where
/// one IEEE operation on exact operands is already correctly rounded (Clinger's fast path). Longer
/// values are approximated in `Double` with a known error bound; the result stands unless it lies
/// within that bound of a halfway point, and only then does `ExactDecimal` decide with big integers.
enum DecimalConversion {
    /// 10^0 … 10^22: every one exactly representable in `Double`.
    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// The `Float` nearest to `text` (ties to even); ±infinity beyond the range, ±0 below it.
    static func float(_ text: DecimalText) -> Float {
        switch text.kind {
        case .infinity: return text.isNegative ? -.infinity : .infinity
        case .nan: return .nan
        case .finite: break
        }
        let magnitude = floatMagnitude(text)
        return text.isNegative ? -magnitude : magnitude
    }

    /// The `Double` nearest to `text` (ties to even); ±infinity beyond the range, ±0 below it.
    static func double(_ text: DecimalText) -> Double {
        switch text.kind {
        case .infinity: return text.isNegative ? -.infinity : .infinity
        case .nan: return .nan
        case .finite: break
        }
        let magnitude = doubleMagnitude(text)
        return text.isNegative ? -magnitude : magnitude
    }

    /// `mantissa / 10^fractionDigits` as the nearest `Float`, when the fast path decides it
    /// (`mantissa < 2^53`, `fractionDigits <= 22`); nil otherwise.
    @inline(__always)
    static func float(mantissa: UInt64, fractionDigits: Int) -> Float? {
        guard mantissa < 1 << 53, fractionDigits <= 22 else { return nil }
        return fastFloat(mantissa, exponent: -fractionDigits)
    }

    private static func floatMagnitude(_ text: DecimalText) -> Float {
        let mantissa = text.mantissa
        if mantissa == 0 { return 0 }
        let exponent = text.exponent
        if !text.isTruncated, mantissa < 1 << 53, exponent >= -22, exponent <= 22,
           let result = fastFloat(mantissa, exponent: exponent) {
            return result
        }
        let decimalMagnitude = text.decimalMagnitude
        if decimalMagnitude > 40 { return .infinity }
        if decimalMagnitude < -46 { return 0 }   // below 10^-46 < 2^-150, half the least subnormal
        let approximate = scaled(Double(mantissa), by: exponent)
        let candidate = Float(approximate)
        // At most five roundings and the dropped digits: relative error below 2^-50.
        let bound = approximate * 0x1p-49
        if candidate < .greatestFiniteMagnitude {
            let value = Double(candidate)
            let above = (value + Double(candidate.nextUp)) / 2
            let below = candidate > 0 ? (value + Double(candidate.nextDown)) / 2 : -Double.infinity
            if abs(approximate - above) > bound, abs(approximate - below) > bound { return candidate }
        }
        return corrected(candidate, toward: ExactDecimal(text))
    }

    /// Clinger's fast path for `Float`: `mantissa × 10^exponent` (`mantissa < 2^53`,
    /// `|exponent| <= 22`) in one correctly rounded `Double` operation, then rounded to `Float`,
    /// where a `Double` on a `Float` halfway point is settled by the operation's exact residual.
    /// Nil near the top of the `Float` range, which the careful path handles.
    @inline(__always)
    private static func fastFloat(_ mantissa: UInt64, exponent: Int) -> Float? {
        let exact = Double(mantissa)
        let scale = powersOfTen[abs(exponent)]
        let nearest = exponent < 0 ? exact / scale : exact * scale   // correctly rounded Double
        guard nearest < 3.4e38 else { return nil }
        var result = Float(nearest)
        let back = Double(result)
        if back != nearest {
            let neighbour = nearest > back ? result.nextUp : result.nextDown
            if nearest == (back + Double(neighbour)) / 2 {
                // The Double sits on a Float halfway point: the exact residual of the one
                // operation tells on which side the decimal itself lies.
                let residual = exponent < 0
                    ? -(-exact).addingProduct(nearest, scale)   // exact - nearest × scale
                    : (-nearest).addingProduct(exact, scale)    // exact × scale - nearest
                if residual > 0 { result = max(result, neighbour) }
                if residual < 0 { result = min(result, neighbour) }
            }
        }
        return result
    }

    private static func doubleMagnitude(_ text: DecimalText) -> Double {
        let mantissa = text.mantissa
        if mantissa == 0 { return 0 }
        let exponent = text.exponent
        if !text.isTruncated, mantissa < 1 << 53, exponent >= -22, exponent <= 22 {
            let exact = Double(mantissa)
            let scale = powersOfTen[abs(exponent)]
            return exponent < 0 ? exact / scale : exact * scale
        }
        let decimalMagnitude = text.decimalMagnitude
        if decimalMagnitude > 310 { return .infinity }
        if decimalMagnitude < -324 { return 0 }
        return corrected(scaled(Double(mantissa), by: exponent), toward: ExactDecimal(text))
    }

    /// `value × 10^exponent` in steps of exact powers of ten (a few ulps of error at most).
    private static func scaled(_ value: Double, by exponent: Int) -> Double {
        var result = value
        var remaining = exponent
        while remaining > 22 { result *= 1e22; remaining -= 22 }
        while remaining < -22 { result /= 1e22; remaining += 22 }
        return remaining < 0 ? result / powersOfTen[-remaining] : result * powersOfTen[remaining]
    }

    /// Moves a nonnegative candidate by whole ulps until it is the value nearest to `exact`.
    private static func corrected<Binary: BinaryFloatingPoint>(_ start: Binary, toward exact: ExactDecimal) -> Binary
    where Binary.RawSignificand: FixedWidthInteger, Binary.RawExponent: FixedWidthInteger {
        var candidate = start.isNaN ? 0 : start
        for _ in 0..<4096 {
            if candidate.isInfinite {
                let largest = Binary.greatestFiniteMagnitude
                let order = compare(exact, midpointAbove: largest)
                if order < 0 { candidate = largest; continue }
                return .infinity   // at the halfway point, ties go to the even infinity
            }
            let above = compare(exact, midpointAbove: candidate)
            if above > 0 { candidate = candidate.nextUp; continue }
            if above == 0 { return evenOf(candidate, candidate.nextUp) }
            if candidate > 0 {
                let below = compare(exact, midpointAbove: candidate.nextDown)
                if below < 0 { candidate = candidate.nextDown; continue }
                if below == 0 { return evenOf(candidate.nextDown, candidate) }
            }
            return candidate
        }
        return candidate
    }

    private static func evenOf<Binary: BinaryFloatingPoint>(_ a: Binary, _ b: Binary) -> Binary
    where Binary.RawSignificand: FixedWidthInteger {
        a.isInfinite || a.significandBitPattern & 1 == 0 ? a : b
    }

    /// Compares `exact` with the halfway point between `value` (finite, nonnegative) and the next
    /// larger value of its type (2^(maxExponent+1) above the largest finite one).
    private static func compare<Binary: BinaryFloatingPoint>(_ exact: ExactDecimal, midpointAbove value: Binary) -> Int
    where Binary.RawSignificand: FixedWidthInteger, Binary.RawExponent: FixedWidthInteger {
        let (significand, exponent) = parts(value)
        let next = value.nextUp
        var (nextSignificand, nextExponent) = next.isInfinite ? (significand + 1, exponent) : parts(next)
        if nextExponent > exponent {
            nextSignificand <<= UInt64(nextExponent - exponent)
            nextExponent = exponent
        }
        return exact.compare(significand: significand + nextSignificand, binaryExponent: exponent - 1)
    }

    /// `(s, e)` with `value == s × 2^e` for a finite, nonnegative value.
    private static func parts<Binary: BinaryFloatingPoint>(_ value: Binary) -> (UInt64, Int)
    where Binary.RawSignificand: FixedWidthInteger, Binary.RawExponent: FixedWidthInteger {
        let bias = (1 << (Binary.exponentBitCount - 1)) - 1
        let fraction = UInt64(value.significandBitPattern)
        let biased = Int(value.exponentBitPattern)
        if biased == 0 { return (fraction, 1 - bias - Binary.significandBitCount) }
        return (fraction | 1 << UInt64(Binary.significandBitCount), biased - bias - Binary.significandBitCount)
    }
}
