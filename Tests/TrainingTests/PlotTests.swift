import Foundation
import PlotSVGSupport
import Loaders
import Testing
import Training

/// `LossPlot`'s SVG, read back by an XML parser: the lines it draws, its axes and its labels.
@Suite struct PlotTests {
    /// A tick's value and where it is drawn (x for the x axis, y for the y axis).
    typealias Tick = (value: Double, pixel: Double)

    static func yTicks(_ svg: PlotSVG) -> [Tick] {
        zip(svg.texts(in: "y-axis"), svg.all("line").filter { $0.groups.contains("y-axis") }).map {
            (PlotSVG.value(ofLabel: $0.text)!, $1.number("y1")!)
        }
    }

    static func xTicks(_ svg: PlotSVG) -> [Tick] {
        zip(svg.texts(in: "x-axis"), svg.all("line").filter { $0.groups.contains("x-axis") }).map {
            (PlotSVG.value(ofLabel: $0.text)!, $1.number("x1")!)
        }
    }

    /// Where a linear axis with these ticks puts `value`, from its first and last tick.
    static func pixel(of value: Double, on ticks: [Tick]) -> Double {
        let (first, last) = (ticks.first!, ticks.last!)
        return first.pixel + (value - first.value) / (last.value - first.value) * (last.pixel - first.pixel)
    }

    /// Ticks one round step apart (1, 2 or 5 times a power of ten), at most 11 of them.
    static func expectRoundTicks(_ ticks: [Tick], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect((2...11).contains(ticks.count), "\(ticks.count) ticks", sourceLocation: sourceLocation)
        guard ticks.count >= 2 else { return }
        let step = ticks[1].value - ticks[0].value
        let mantissa = step / pow(10, floor(log10(step)))
        #expect([1.0, 2, 5].contains { abs($0 - mantissa) < 1e-9 }, "step \(step)", sourceLocation: sourceLocation)
        for (before, after) in zip(ticks, ticks.dropFirst()) {
            #expect(abs(after.value - before.value - step) <= step * 1e-9, sourceLocation: sourceLocation)
        }
    }

    @Test func everySeriesIsOneLineWithItsPointsAndALegendEntry() throws {
        var plot = LossPlot(title: "stochastic vs mini-batch")
        let runs = [("batch 1", 30), ("batch 10", 12), ("batch 20", 5)]
        for (name, epochs) in runs {
            plot.addSeries(name, x: (1...epochs).map(Double.init), y: (1...epochs).map { 50 / Double($0) })
        }
        plot.addDetail(of: "batch 10", x: (1...120).map { Double($0) / 10 }, y: (1...120).map { 60 / Double($0) })
        let svg = try PlotSVG(plot.svg)

        let lines = svg.all("polyline", class: "series")
        #expect(lines.map { $0.attributes["data-series"] } == runs.map(\.0))
        #expect(lines.map(\.points.count) == runs.map(\.1))
        #expect(Set(lines.map { $0.attributes["stroke"] }).count == 3)
        #expect(svg.texts(in: "legend").map(\.text) == runs.map(\.0))
        let detail = try #require(svg.all("polyline", class: "detail").only)
        #expect(detail.attributes["data-series"] == "batch 10" && detail.points.count == 120)
        #expect(detail.attributes["stroke"] == lines[1].attributes["stroke"])
        // One marker per point of these short series.
        #expect(svg.all("circle").count == 30 + 12 + 5)

        // Each point is where the axes put its values.
        let (xTicks, yTicks) = (Self.xTicks(svg), Self.yTicks(svg))
        for (line, (_, epochs)) in zip(lines, runs) {
            for (point, epoch) in zip(line.points, 1...epochs) {
                #expect(abs(point.x - Self.pixel(of: Double(epoch), on: xTicks)) < 0.2)
                #expect(abs(point.y - Self.pixel(of: 50 / Double(epoch), on: yTicks)) < 0.2)
            }
        }
    }

    /// The y axis shows every value: a wine run's first epoch mean of 56 and MNIST's first batches
    /// at 2.3 sit inside it, not at a cap.
    @Test(arguments: [
        (means: [56, 12, 3, 0.9, 0.3], batches: [Double]()),
        (means: [0.45, 0.2, 0.12], batches: [2.31, 2.2, 1.4, 0.6, 0.4, 0.3, 0.2, 0.15, 0.1, 0.09]),
        (means: [-0.4, 0.3, 0.82, 0.91], batches: []),   // R², negative at first
    ])
    func theYAxisSpansEveryValueDrawn(means: [Double], batches: [Double]) throws {
        var plot = LossPlot(title: "range", xLabel: "samples seen")
        plot.addSeries("run", x: means.indices.map { Double(($0 + 1) * 1000) }, y: means)
        if !batches.isEmpty {
            plot.addDetail(of: "run", x: batches.indices.map { Double(($0 + 1) * 300) }, y: batches)
        }
        let svg = try PlotSVG(plot.svg)
        let ticks = Self.yTicks(svg)
        Self.expectRoundTicks(ticks)
        let values = means + batches
        #expect(ticks.first!.value <= values.min()! && ticks.last!.value >= values.max()!)
        // Not a needlessly long axis: less than two steps beyond the data at either end.
        let step = ticks[1].value - ticks[0].value
        #expect(values.min()! - ticks.first!.value < step && ticks.last!.value - values.max()! < step)
        // Every point lies within the axis's pixels.
        let (top, bottom) = (ticks.last!.pixel, ticks.first!.pixel)
        for line in svg.all("polyline") {
            #expect(line.points.allSatisfy { $0.y >= top - 0.05 && $0.y <= bottom + 0.05 })
        }
    }

    /// 1 to 1,000 epochs: at most 11 round ticks, whole epochs only, spanning the run.
    @Test(arguments: [1, 2, 3, 7, 10, 12, 99, 250, 1000])
    func epochTicksAreFewRoundAndWhole(epochs: Int) throws {
        var plot = LossPlot(title: "\(epochs) epochs")
        plot.addSeries("run", x: (1...epochs).map(Double.init), y: (1...epochs).map { 1 / Double($0) })
        let svg = try PlotSVG(plot.svg)
        let ticks = Self.xTicks(svg)
        Self.expectRoundTicks(ticks)
        #expect(ticks.allSatisfy { $0.value == $0.value.rounded() })
        #expect(ticks.first!.value <= 1 && ticks.last!.value >= Double(epochs))
        #expect(try #require(svg.all("polyline", class: "series").only).points.count == epochs)
        // Markers only while they stay apart.
        #expect(svg.all("circle").count == (epochs <= 100 ? epochs : 0))
    }

    /// Samples seen, up to millions: round ticks labelled "20k", "1.5M" and the like.
    @Test(arguments: [938.0, 60_000, 1_234_567, 60_000_000])
    func samplesSeenTicksStayRoundAndFew(lastSample: Double) throws {
        var plot = LossPlot(title: "samples", xLabel: "samples seen")
        let x = (1...50).map { lastSample * Double($0) / 50 }
        plot.addSeries("run", x: x, y: x.map { 1 / $0 })
        let svg = try PlotSVG(plot.svg)
        let ticks = Self.xTicks(svg)
        Self.expectRoundTicks(ticks)
        #expect(ticks.first!.value <= x.first! && ticks.last!.value >= lastSample)
        let line = try #require(svg.all("polyline", class: "series").only)
        for (point, value) in zip(line.points, x) {
            #expect(abs(point.x - Self.pixel(of: value, on: ticks)) < 0.2)
        }
    }

    /// Every label, its whole estimated width included, is inside the picture: the last x tick,
    /// long legend names, a long title, wide y labels.
    @Test func everyLabelLiesInsideThePicture() throws {
        var plot = LossPlot(title: String(repeating: "a very long title ", count: 12), xLabel: "samples seen", yLabel: "training loss")
        plot.addSeries("a run with a name far longer than any legend has room for", x: [60_000, 120_000], y: [123_456, 0.5])
        plot.addSeries("epoch 2", x: [60_000, 120_000], y: [2.3, 0.1])
        plot.addDetail(of: "epoch 2", x: (1...1000).map { Double($0) * 120 }, y: (1...1000).map { 3 / Double($0) })
        for logScale in [false, true] {
            plot.logScale = logScale
            let svg = try PlotSVG(plot.svg)
            let texts = svg.all("text")
            #expect(texts.count > 10)
            for text in texts {
                let (x, y) = (try #require(text.number("x")), try #require(text.number("y")))
                let size = Double(text.inherited["font-size"] ?? "12")!
                let width = Double(text.text.count) * size * 0.55
                let (left, right) = switch text.inherited["text-anchor"] ?? "start" {
                case "middle": (-width / 2, width / 2)
                case "end": (-width, 0.0)
                default: (0.0, width)
                }
                if text.attributes["transform"]?.contains("rotate(-90") == true {
                    #expect(y - right >= 0 && y - left <= svg.height && x - size >= 0, "\(text.text)")
                } else {
                    #expect(x + left >= 0 && x + right <= svg.width, "\(text.text) at \(x)")
                    #expect(y - size >= 0 && y <= svg.height, "\(text.text) at \(y)")
                }
            }
        }
    }

    @Test func logScaleTicksArePowersOfTen() throws {
        var plot = LossPlot(title: "log")
        plot.logScale = true
        let y = [56, 20, 0, 3, 0.7, -1, 0.05, 0.003]
        plot.addSeries("run", x: y.indices.map { Double($0 + 1) }, y: y)
        let text = plot.svg
        let svg = try PlotSVG(text)
        let ticks = Self.yTicks(svg)
        #expect((2...11).contains(ticks.count))
        for tick in ticks {
            #expect(abs(log10(tick.value) - log10(tick.value).rounded()) < 1e-9, "\(tick.value)")
        }
        #expect(ticks.first!.value <= 0.003 && ticks.last!.value >= 56)
        // Zero and -1 are not drawn, and the note says so.
        let line = try #require(svg.all("polyline", class: "series").only)
        #expect(line.points.count == 6)
        #expect(svg.all("text", class: "note").map(\.text) == ["2 values not drawn (not finite or not positive on the log scale)"])
        // Each point at its logarithm's place between the first and last tick.
        let positive = y.filter { $0 > 0 }
        let (first, last) = (ticks.first!, ticks.last!)
        for (point, value) in zip(line.points, positive) {
            let expected = first.pixel + (log10(value) - log10(first.value)) / (log10(last.value) - log10(first.value)) * (last.pixel - first.pixel)
            #expect(abs(point.y - expected) < 0.2)
        }
        #expect(svg.texts(in: "y-axis").map(\.text).contains("1"))
        #expect(svg.all("text", class: "y-label").first?.text == "loss (log scale)")
    }

    /// Many decades: ticks step by whole decades, still at most 11.
    @Test func logScaleOverManyDecadesThinsItsTicks() throws {
        var plot = LossPlot(title: "decades")
        plot.logScale = true
        plot.addSeries("run", x: [1, 2, 3], y: [1e-12, 1, 1e15])
        let ticks = Self.yTicks(try PlotSVG(plot.svg))
        #expect((2...11).contains(ticks.count))
        let exponents = ticks.map { log10($0.value).rounded() }
        #expect(exponents.first! <= -12 && exponents.last! >= 15)
        #expect(Set(zip(exponents, exponents.dropFirst()).map { $1 - $0 }).count == 1)
    }

    /// NaN and infinities are skipped, never drawn at 0 or written as "nan" coordinates.
    @Test func nonFiniteValuesAreSkippedAndCounted() throws {
        var plot = LossPlot(title: "diverged")
        plot.addSeries("run", x: [1, 2, 3, 4, 5, .nan], y: [2.3, .nan, 0.5, .infinity, -.infinity, 1])
        plot.addDetail(of: "run", x: [1, 2, 3], y: [.nan, 3, 4])
        let text = plot.svg
        let svg = try PlotSVG(text)
        let line = try #require(svg.all("polyline", class: "series").only)
        #expect(line.points.count == 2)
        #expect(try #require(svg.all("polyline", class: "detail").only).points.count == 2)
        #expect(!text.lowercased().contains("nan") && !text.lowercased().contains("inf"))
        #expect(svg.all("text", class: "note").map(\.text) == ["5 values not drawn (not finite)"])
        // The top tick covers 4, the largest finite value; the bottom 0.5, the smallest.
        let ticks = Self.yTicks(svg)
        #expect(ticks.first!.value <= 0.5 && ticks.last!.value >= 4)
    }

    @Test func anEmptyPlotIsAValidSVGWithANote() throws {
        let empty = try PlotSVG(LossPlot(title: "nothing yet").svg)
        #expect(empty.all("text", class: "note").map(\.text) == ["no values to plot"])
        #expect(empty.all("polyline").isEmpty && empty.all("text").contains { $0.text == "nothing yet" })

        var diverged = LossPlot(title: "all NaN")
        diverged.addSeries("run", x: [1, 2], y: [.nan, .nan])
        let svg = try PlotSVG(diverged.svg)
        #expect(svg.all("polyline").isEmpty)
        #expect(svg.texts(in: "legend").map(\.text) == ["run"])
        #expect(svg.all("text", class: "note").map(\.text).contains("no values to plot"))
    }

    /// Markup and characters XML forbids cannot break the document.
    @Test func namesAndTitlesAreEscaped() throws {
        var plot = LossPlot(title: "loss <&> \"quoted\"\u{1}", xLabel: "x & y", yLabel: "<y>")
        plot.addSeries("a\"b<c>&d", x: [1, 2], y: [1, 2])
        let svg = try PlotSVG(plot.svg)
        #expect(svg.all("text").contains { $0.text == "loss <&> \"quoted\"\u{FFFD}" })
        #expect(svg.texts(in: "legend").map(\.text) == ["a\"b<c>&d"])
        #expect(svg.all("polyline", class: "series").first?.attributes["data-series"] == "a\"b<c>&d")
        #expect(svg.all("text", class: "x-label").first?.text == "x & y")
    }

    /// A self-contained picture: no scripts, no external resources.
    @Test func theSVGIsSelfContained() throws {
        var plot = LossPlot(title: "t")
        plot.addSeries("run", x: [1, 2, 3], y: [3, 2, 1])
        let svg = try PlotSVG(plot.svg)
        #expect(svg.elements.first?.name == "svg")
        #expect(!svg.elements.contains { ["script", "image", "use", "foreignObject", "style"].contains($0.name) })
        #expect(!svg.elements.contains { $0.attributes.keys.contains { $0.hasPrefix("on") || $0.contains("href") } })
    }

    @Test func writeReplacesTheFileWholeAndLeavesNothingElse() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("loss.svg").path
        var plot = LossPlot(title: "first")
        plot.addSeries("run", x: [1], y: [1])
        try plot.write(to: path)
        plot.title = "second"
        try plot.write(to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == plot.svg)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["loss.svg"])
    }

    @Test func writeIntoAMissingFolderNamesThePath() throws {
        let path = "/nonexistent-\(UUID().uuidString)/loss.svg"
        let error = try #require(throws: LoaderError.self) { try LossPlot(title: "t").write(to: path) }
        #expect(error.code == .io && error.path == path)
        #expect(error.description.hasPrefix("\(path): cannot write") && error.description.contains("No such file or directory"))
    }

    @Test func differentCountsOfXAndYStopWithAMessage() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var plot = LossPlot(title: "t")
            plot.addSeries("run", x: [1, 2, 3], y: [1, 2])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("LossPlot.addSeries(\"run\"): 3 x values but 2 y values"))
    }

    @Test func aDetailOfAnUnknownSeriesStopsWithAMessage() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            var plot = LossPlot(title: "t")
            plot.addSeries("run", x: [1], y: [1])
            plot.addDetail(of: "batches", x: [1], y: [1])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("LossPlot.addDetail(of: \"batches\"): no series of that name"))
    }
}

fileprivate extension Array {
    /// The one element, or nil when there are none or several.
    var only: Element? { count == 1 ? first : nil }
}
