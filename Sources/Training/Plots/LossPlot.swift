import Foundation
import Loaders

/// A line chart of training curves as a self-contained SVG: one coloured line per run, named in a
/// legend, with faint detail lines (every batch's loss) beneath.
///
/// The axes span every value drawn, with round tick values (1, 2 or 5 times a power of ten), at
/// most 11 per axis, so the same picture reads well for 1 epoch or 1,000, and for millions of
/// samples seen. Values that cannot be drawn (NaN, infinite, beyond ±1e290, and on a log scale
/// zero or negative) are skipped and counted in a note under the title.
///
/// ```swift
/// var plot = LossPlot(title: "y = -5x: stochastic vs mini-batch")
/// for (batchSize, losses) in runs {
///     plot.addSeries("batch \(batchSize)", x: losses.indices.map { Double($0 + 1) }, y: losses)
/// }
/// try plot.write(to: "compare.svg")
/// ```
public struct LossPlot: Sendable {
    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// Draws the y axis as log10, ticks at powers of ten; zero and negative values are skipped.
    public var logScale = false

    /// One named line and the detail lines beneath it.
    struct Series: Sendable {
        var name: String
        var points: [(x: Double, y: Double)]
        var details: [[(x: Double, y: Double)]] = []
    }

    /// In the order added, which gives each its colour.
    private(set) var series: [Series] = []

    public init(title: String, xLabel: String = "epoch", yLabel: String = "loss") {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// One line with points, in the legend, coloured by the order series are added.
    ///
    /// - Parameters:
    ///   - name: the legend's text; a later `addDetail(of:)` with this name draws under this line.
    ///   - x: the horizontal positions, e.g. epochs or samples seen.
    ///   - y: the values, as many as `x`.
    public mutating func addSeries(_ name: String, x: [Double], y: [Double]) {
        require(x.count == y.count, "LossPlot.addSeries(\"\(name)\"): \(x.count) x values but \(y.count) y values")
        series.append(Series(name: name, points: Array(zip(x, y))))
    }

    /// A faint line under series `name` (e.g. every batch's loss under the epoch means), same
    /// colour, not in the legend.
    ///
    /// When several series share the name, the detail goes under the one added last.
    public mutating func addDetail(of name: String, x: [Double], y: [Double]) {
        require(x.count == y.count, "LossPlot.addDetail(of: \"\(name)\"): \(x.count) x values but \(y.count) y values")
        let index = series.lastIndex { $0.name == name }
        require(index != nil, "LossPlot.addDetail(of: \"\(name)\"): no series of that name; add it with addSeries first")
        series[index!].details.append(Array(zip(x, y)))
    }

    /// The SVG document: no scripts, no external fonts or images.
    public var svg: String {
        LossPlotRenderer(plot: self).svg
    }

    /// Writes the SVG atomically (`AtomicFile`): a crash leaves the old file or the new one.
    /// - Throws: `LoaderError(.io)` naming the path.
    public func write(to path: String) throws {
        try AtomicFile.write(Array(svg.utf8), to: path)
    }
}
