import Foundation
import Loaders
import Testing

/// `SeededGenerator.nextNormal`: its distribution, and its values against an independent port.
@Suite struct SeededGeneratorNormalTests {
    /// 100,000 standard normal draws: mean 0, standard deviation 1, and 68.27% within one standard
    /// deviation, as N(0, 1) has (the tolerances are over 20 standard errors for the moments).
    @Test func momentsOfManyDrawsAreThoseOfTheNormalDistribution() {
        var generator = SeededGenerator(seed: 11)
        let draws = (0..<100_000).map { _ in Double(generator.nextNormal()) }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let deviation = (draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws.count)).squareRoot()
        let withinOne = Double(draws.count { abs($0) < 1 }) / Double(draws.count)
        #expect(abs(mean) < 0.01)
        #expect(abs(deviation - 1) < 0.01)
        #expect(abs(withinOne - 0.682_689_5) < 0.01)   // erf(1/√2)
    }

    /// Mean and standard deviation scale and shift the draws.
    @Test func meanAndStandardDeviationShiftAndScale() {
        var generator = SeededGenerator(seed: 5)
        let draws = (0..<100_000).map { _ in Double(generator.nextNormal(mean: -3, standardDeviation: 0.4)) }
        let mean = draws.reduce(0, +) / Double(draws.count)
        let deviation = (draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws.count)).squareRoot()
        #expect(abs(mean + 3) < 0.01)
        #expect(abs(deviation - 0.4) < 0.004)
        var constant = SeededGenerator(seed: 5)
        #expect((0..<10).allSatisfy { _ in constant.nextNormal(mean: 2, standardDeviation: 0) == 2 })
    }

    /// A seed's first values equal those of Fixtures/sampling/make_normal.py, a Python port of
    /// xoshiro256** with SplitMix64 seeding and of the polar method.
    @Test func firstValuesMatchThePythonPort() throws {
        struct Case: Decodable {
            let seed: UInt64, mean: Float, standardDeviation: Float, values: [Double]
        }
        struct Reference: Decodable { let nextNormal: [Case] }
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/sampling/normal.json")
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: path))
        #expect(reference.nextNormal.count == 4)
        for item in reference.nextNormal {
            var generator = SeededGenerator(seed: item.seed)
            let values = item.values.map { _ in generator.nextNormal(mean: item.mean, standardDeviation: item.standardDeviation) }
            #expect(values == item.values.map { Float($0) }, "seed \(item.seed)")
        }
    }

    /// The same seed gives the same values; another seed, others.
    @Test func valuesAreAFunctionOfTheSeed() {
        var (a, b, c) = (SeededGenerator(seed: 3), SeededGenerator(seed: 3), SeededGenerator(seed: 4))
        let first = (0..<8).map { _ in a.nextNormal() }
        #expect(first == (0..<8).map { _ in b.nextNormal() })
        #expect(first != (0..<8).map { _ in c.nextNormal() })
    }
}
