import Foundation

extension SeededGenerator {
    /// A normally distributed value: `mean + standardDeviation · z` with z standard normal, by
    /// Marsaglia's polar method in `Double`.
    ///
    /// Written out, like `uniform(below:)`, so that a seed gives the same values with every Swift
    /// version: the polar method needs only uniform draws, a square root (correctly rounded
    /// everywhere) and `log`, no sine or cosine. (C libraries' `log` may differ in the last bit of a
    /// rare value; rounding the result to `Float` hides almost every such difference.)
    /// Each value takes two or more raw draws (a pair is drawn again when it falls outside the
    /// unit disc, about one time in five); the pair's second normal value is not kept, so a
    /// generator's position depends on nothing but how many values it has given.
    ///
    /// ```swift
    /// var random = SeededGenerator(seed: 2024)
    /// let noise = (0..<100).map { _ in random.nextNormal(standardDeviation: 0.4) }   // N(0, 0.4²)
    /// ```
    /// - Precondition: `standardDeviation >= 0` and both arguments finite.
    public mutating func nextNormal(mean: Float = 0, standardDeviation: Float = 1) -> Float {
        require(mean.isFinite && standardDeviation.isFinite && standardDeviation >= 0,
                "nextNormal needs a finite mean and a finite, non-negative standard deviation, got mean \(mean), standard deviation \(standardDeviation)")
        return Float(Double(mean) + Double(standardDeviation) * nextStandardNormal())
    }

    /// A standard normal value in `Double` (the polar method; see `nextNormal`).
    mutating func nextStandardNormal() -> Double {
        while true {
            let u = 2 * unitDouble() - 1
            let v = 2 * unitDouble() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * log(s) / s).squareRoot()
            }
        }
    }
}
