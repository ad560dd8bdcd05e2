import Testing
@testable import Loaders

/// `CSVSummary`'s mean and sample standard deviation per column.
@Suite struct CSVMomentTests {
    /// Wine's first five columns as numpy computes them from the same text in float64
    /// (`x.mean(0)`, `x.std(0, ddof=1)`, to 9 significant digits), read whole and cut into many
    /// pieces (whose partial moments are merged): both agree with numpy.
    @Test(arguments: [1 << 20, 97])
    func meanAndStandardDeviationMatchNumpy(pieceBytes: Int) throws {
        let summary = try CSVSummary(path: CSVFixturePaths.fixtures + "/wine.csv", format: .standard, threads: 2, minimumPieceBytes: pieceBytes)
        let mean = [13.000618, 2.33634831, 2.36651685, 19.4949438, 99.741573]
        let std = [0.811826538, 1.1171461, 0.274344009, 3.33956377, 14.2824835]
        for column in 0..<5 {
            let summary = summary.columns[column]
            #expect(abs(try #require(summary.mean) - mean[column]) <= 1e-8 * mean[column], "\(summary.name)")
            #expect(abs(try #require(summary.standardDeviation) - std[column]) <= 1e-8 * std[column], "\(summary.name)")
        }
    }
}
