import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Loaders
import Testing
@testable import loaders

@Suite struct TrainCommandTests {
    static func fixture(_ relative: String) -> String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(relative).path
    }

    @Test func lossPlotIsWellFormedSVGWithOnePointPerEpoch() throws {
        var plot = LossPlot()
        plot.title = "loss <&>"
        plot.batches = (1...100).map { ($0 * 10, 2.3 / Double($0)) }
        plot.epochs = [(500, 0.4), (1000, 0.1)]
        let svg = plot.svg
        let document = try XMLDocument(xmlString: svg)
        #expect(document.rootElement()?.name == "svg")
        #expect(svg.components(separatedBy: "<circle").count - 1 == 2)
        #expect(svg.contains("loss &lt;&amp;>"))
        // The batch line has one point per batch.
        let batchLine = try #require(svg.split(separator: "\n").first { $0.hasPrefix("<polyline") })
        let points = try #require(batchLine.split(separator: "\"").first { $0.contains(",") && !$0.contains("=") })
        #expect(points.split(separator: " ").count == 100)
    }
}
