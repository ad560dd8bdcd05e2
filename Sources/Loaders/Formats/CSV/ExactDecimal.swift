/// Exact comparison of a decimal text with a binary value, for the rare conversions the fast
/// paths cannot decide (long digit strings, values within rounding error of a halfway point).
///
/// Arbitrary-precision unsigned integers as little-endian 32-bit limbs; only the few operations
/// the comparison needs.
struct ExactDecimal {
    /// At most this many significant digits are used exactly; any further nonzero digit only makes
    /// the value larger ("sticky"). 800 digits exceed every halfway point of Float and Double.
    static let maxDigits = 800

    private var limbs: [UInt32] = []
    private var exponent10 = 0
    private var sticky = false

    /// Reads every significant digit of `text`.
    init(_ text: DecimalText) {
        var kept = 0
        var fractionDigits = 0
        var integerDigitsDropped = 0
        var inFraction = false
        var chunk: UInt32 = 0
        var chunkDigits = 0
        for byte in text.digits {
            if byte == UInt8(ascii: ".") { inFraction = true; continue }
            let digit = UInt32(byte &- 0x30)
            if kept == 0 && digit == 0 {
                if inFraction { fractionDigits += 1 }
                continue
            }
            if kept < Self.maxDigits {
                chunk = chunk * 10 + digit
                chunkDigits += 1
                if chunkDigits == 9 {
                    multiply(by: 1_000_000_000, adding: chunk)
                    chunk = 0
                    chunkDigits = 0
                }
                kept += 1
                if inFraction { fractionDigits += 1 }
            } else {
                if digit != 0 { sticky = true }
                if !inFraction { integerDigitsDropped += 1 }
            }
        }
        if chunkDigits > 0 {
            var scale: UInt32 = 1
            for _ in 0..<chunkDigits { scale *= 10 }
            multiply(by: scale, adding: chunk)
        }
        exponent10 = text.explicitExponent + integerDigitsDropped - fractionDigits
    }

    private init(_ value: UInt64) {
        limbs = [UInt32(truncatingIfNeeded: value), UInt32(truncatingIfNeeded: value >> 32)]
        trim()
    }

    /// Compares the decimal with `significand × 2^binaryExponent`: -1, 0 or 1.
    func compare(significand: UInt64, binaryExponent: Int) -> Int {
        if limbs.isEmpty { return significand == 0 ? (sticky ? 1 : 0) : -1 }
        var left = self
        var right = ExactDecimal(significand)
        // left × 10^e10 ? right × 2^e2, scaled to integers on both sides.
        var leftTwos = 0
        var rightTwos = 0
        if exponent10 >= 0 {
            left.multiplyByPowerOfFive(exponent10)
            leftTwos += exponent10
        } else {
            right.multiplyByPowerOfFive(-exponent10)
            rightTwos += -exponent10
        }
        if binaryExponent >= 0 { rightTwos += binaryExponent } else { leftTwos += -binaryExponent }
        let common = min(leftTwos, rightTwos)
        left.shiftLeft(leftTwos - common)
        right.shiftLeft(rightTwos - common)
        let order = left.compareMagnitude(right)
        return order == 0 && sticky ? 1 : order
    }

    private mutating func multiply(by factor: UInt32, adding addend: UInt32) {
        var carry = UInt64(addend)
        for index in limbs.indices {
            let product = UInt64(limbs[index]) * UInt64(factor) + carry
            limbs[index] = UInt32(truncatingIfNeeded: product)
            carry = product >> 32
        }
        if carry > 0 { limbs.append(UInt32(carry)) }
    }

    private mutating func multiplyByPowerOfFive(_ power: Int) {
        var remaining = power
        while remaining >= 13 {
            multiply(by: 1_220_703_125, adding: 0)   // 5^13
            remaining -= 13
        }
        var factor: UInt32 = 1
        for _ in 0..<remaining { factor *= 5 }
        multiply(by: factor, adding: 0)
    }

    private mutating func shiftLeft(_ bits: Int) {
        guard bits > 0, !limbs.isEmpty else { return }
        let whole = bits / 32
        let part = UInt32(bits % 32)
        if part > 0 {
            var carry: UInt32 = 0
            for index in limbs.indices {
                let limb = limbs[index]
                limbs[index] = (limb << part) | carry
                carry = limb >> (32 - part)
            }
            if carry > 0 { limbs.append(carry) }
        }
        if whole > 0 { limbs.insert(contentsOf: repeatElement(0, count: whole), at: 0) }
    }

    private mutating func trim() {
        while limbs.last == 0 { limbs.removeLast() }
    }

    private func compareMagnitude(_ other: ExactDecimal) -> Int {
        if limbs.count != other.limbs.count { return limbs.count < other.limbs.count ? -1 : 1 }
        for index in limbs.indices.reversed() where limbs[index] != other.limbs[index] {
            return limbs[index] < other.limbs[index] ? -1 : 1
        }
        return 0
    }
}
