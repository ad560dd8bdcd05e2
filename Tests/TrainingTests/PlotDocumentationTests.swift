import Foundation
import PlotSVGSupport
import Loaders
import Testing
import Training

/// The Plots section of Docs/Training.md, run: the seed's comparison of batch sizes 1, 10 and 20
/// on y = -5x + noise, drawn by a user's own loop.
@Suite struct PlotDocumentationTests {
    /// 100 samples of y = -5x plus a small fixed wobble, x in [0, 1).
    struct Line: Dataset {
        var count: Int { 100 }
        func sample(at index: Int) throws -> Example {
            let x = Float(index) / 100
            return Example(features: Tensor(shape: [1], scalars: [x]), target: .value(-5 * x + 0.1 * sin(Float(index))))
        }
    }

    @Test func theDocumentedComparisonRuns() async throws {
        let train = Line()
        var plot = LossPlot(title: "loss of stochastic vs mini-batch 10 vs mini-batch 20")
        var reported: [[Double]] = []
        for batchSize in [1, 10, 20] {
            let model = Linear(inputFeatures: 1, outputFeatures: 1, seed: 0)
            let trainer = Trainer(model: model, optimizer: SGD(model.parameters, learningRate: 0.05), loss: MSELoss())
            let loader = DataLoader(train, batchSize: batchSize, shuffle: true, dropLast: false, workers: 0, seed: 0)
            var means: [Double] = []
            for epoch in 1...5 { means.append(try await trainer.trainEpoch(loader, epoch: epoch).trainLoss) }
            plot.addSeries("batch \(batchSize)", x: means.indices.map { Double($0 + 1) }, y: means)
            reported.append(means)
        }
        plot.logScale = true
        let svg = try PlotSVG(plot.svg)
        let lines = svg.all("polyline", class: "series")
        #expect(lines.map { $0.attributes["data-series"] } == ["batch 1", "batch 10", "batch 20"])
        #expect(lines.map(\.points.count) == [5, 5, 5])
        // Stochastic descent takes 100 steps an epoch, so its first epoch's mean is the lowest.
        #expect(reported[0][0] < reported[1][0] && reported[1][0] < reported[2][0])
        let ticks = PlotTests.yTicks(svg)
        let all = reported.joined()
        #expect(ticks.first!.value <= all.min()! && ticks.last!.value >= all.max()!)
    }
}
