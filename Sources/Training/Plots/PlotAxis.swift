import Foundation

/// One axis of a plot: the span it covers and its labelled ticks.
///
/// A linear axis steps by 1, 2 or 5 times a power of ten and ends on ticks that enclose every
/// value; a log axis steps by whole decades. Either has at most `maximumIntervals + 1` ticks, so
/// 1,000 epochs get ticks every 100, not a thousand crowded labels.
struct PlotAxis: Equatable {
    /// The tick values, in increasing order; the first and last are the axis's ends.
    let ticks: [Double]
    let isLogarithmic: Bool
    /// The linear step as `mantissa × 10^exponent`, or on a log axis the decades per step as
    /// `mantissa` with `exponent` 0; labels take their precision from it.
    private let stepMantissa: Int, stepExponent: Int

    /// The most intervals between ticks.
    static let maximumIntervals = 10

    /// A linear axis over `low...high`.
    /// - Parameters:
    ///   - integral: the values are whole numbers (epochs, samples), so no step is below 1.
    ///   - maximumIntervals: fewer leave room for wide labels.
    init(linear low: Double, _ high: Double, integral: Bool = false, maximumIntervals: Int = maximumIntervals) {
        var (low, high) = (low, high)
        // A single value (or a span too small to divide) is shown against zero: a loss of 0.5 in
        // the one epoch there is sits halfway up the axis.
        if !(high - low > max(abs(low), abs(high)) * 1e-12 && high - low > 1e-290) {
            (low, high) = (min(0, low), max(0, high))
            if !(high - low > 1e-290) { high = low + 1 }
        }
        let intervals = Double(maximumIntervals)
        let raw = integral ? max(1, high / intervals - low / intervals) : high / intervals - low / intervals
        var exponent = Int(floor(log10(raw)))
        var mantissa = 1
        func step() -> Double { Self.value(mantissa, exponent) }
        // Walk up 1, 2, 5, 10, 20, … until the ticks enclosing the values are few enough.
        while !(ceil(high / step()) - floor(low / step()) <= intervals) || (integral && step() < 1) {
            switch mantissa {
            case 1: mantissa = 2
            case 2: mantissa = 5
            default: (mantissa, exponent) = (1, exponent + 1)
            }
        }
        let first = Int(floor(low / step())), last = Int(ceil(high / step()))
        ticks = (first...last).map { Self.value(mantissa * $0, exponent) }
        isLogarithmic = false
        (stepMantissa, stepExponent) = (mantissa, exponent)
    }

    /// A log10 axis over `low...high`, both positive; ticks at powers of ten.
    init(logarithmic low: Double, _ high: Double) {
        let first = Int(floor(log10(low)))
        var last = Int(ceil(log10(high)))
        if last == first { last += 1 }
        let decades = (last - first + Self.maximumIntervals - 1) / Self.maximumIntervals
        ticks = stride(from: first, through: first + (last - first + decades - 1) / decades * decades, by: decades)
            .map { Self.value(1, $0) }
        isLogarithmic = true
        (stepMantissa, stepExponent) = (decades, 0)
    }

    /// `mantissa × 10^exponent`, correctly rounded (0.3, not 0.30000000000000004).
    private static func value(_ mantissa: Int, _ exponent: Int) -> Double {
        exponent >= 0 ? Double(mantissa) * pow(10, Double(exponent)) : Double(mantissa) / pow(10, Double(-exponent))
    }

    /// Where `value` lies between the axis's ends: 0 at the first tick, 1 at the last.
    func fraction(of value: Double) -> Double {
        let (first, last) = (ticks.first!, ticks.last!)
        return isLogarithmic
            ? (log10(value) - log10(first)) / (log10(last) - log10(first))
            : (value - first) / (last - first)
    }

    /// A tick's label, with as many decimals as the step needs: "0.25" is not shown as "0.3", nor
    /// "2" as "2.00". Thousands and millions read as "20k" and "1.5M".
    func label(_ value: Double) -> String {
        if isLogarithmic {
            let exponent = Int(log10(value).rounded())
            return (-3...3).contains(exponent) ? Self.decimal(value, digits: max(0, -exponent)) : "1e\(exponent)"
        }
        let largest = max(abs(ticks.first!), abs(ticks.last!))
        if largest >= 1e12 || (stepExponent < -6 && largest > 0) {
            let digits = max(0, Int(floor(log10(largest))) - stepExponent)
            return String(format: "%.\(digits)e", value)
        }
        if largest >= 1e4 && stepExponent >= 3 {
            let (unit, suffix) = largest >= 1e9 ? (9, "G") : largest >= 1e6 ? (6, "M") : (3, "k")
            return Self.decimal(value / pow(10, Double(unit)), digits: max(0, unit - stepExponent)) + (value == 0 ? "" : suffix)
        }
        return Self.decimal(value, digits: max(0, -stepExponent))
    }

    private static func decimal(_ value: Double, digits: Int) -> String {
        let text = String(format: "%.\(digits)f", value)
        // No "-0" or "-0.0" for a tick at zero.
        return text.allSatisfy { "-0.".contains($0) } ? String(text.drop { $0 == "-" }) : text
    }
}
