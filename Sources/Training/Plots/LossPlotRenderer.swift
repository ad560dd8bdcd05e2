import Foundation

/// Lays out and draws a `LossPlot` as SVG text.
///
/// No font is measured: text widths are estimated from character counts, generously, and the
/// margins are sized to the longest tick label and legend name, so every label stays inside the
/// picture.
struct LossPlotRenderer {
    private typealias Point = (x: Double, y: Double)

    let plot: LossPlot

    static let width = 880.0, height = 460.0
    /// Colours by series order (Tableau 10), told apart by most colour-blind readers too.
    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                          "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    /// Past this many points a series's markers would merge into its line, so only the line is drawn.
    static let maximumMarkers = 100
    /// Legend names longer than this are cut, with an ellipsis.
    static let legendCharacters = 28
    /// Values beyond this magnitude are not drawn: spans between them could overflow.
    static let largestValue = 1e290

    private static let fontSize = 12.0, titleSize = 16.0, legendRow = 20.0
    private static let plotTop = 56.0, plotBottom = height - 58

    var svg: String {
        var skipped = 0
        func drawable(_ line: [(x: Double, y: Double)]) -> [Point] {
            let kept = line.filter {
                abs($0.x) <= Self.largestValue && abs($0.y) <= Self.largestValue
                    && (!plot.logScale || $0.y >= 1 / Self.largestValue)
            }
            skipped += line.count - kept.count
            return kept
        }
        let lines = plot.series.map { (points: drawable($0.points), details: $0.details.map(drawable)) }
        let all = lines.flatMap { $0.points + $0.details.joined() }

        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(Self.width))" height="\(Int(Self.height))" \
            viewBox="0 0 \(Int(Self.width)) \(Int(Self.height))" font-family="Helvetica, Arial, sans-serif" font-size="\(Int(Self.fontSize))">
            <title>\(Self.escape(plot.title))</title>
            <rect width="100%" height="100%" fill="#ffffff"/>
            <text x="16" y="28" font-size="\(Int(Self.titleSize))" font-weight="600" fill="#222">\(Self.escape(Self.cut(plot.title, to: Self.characters(fitting: Self.width - 32, size: Self.titleSize))))</text>

            """
        if skipped > 0 {
            let reason = plot.logScale ? "not finite or not positive on the log scale" : "not finite"
            out += "<text class=\"note\" x=\"16\" y=\"46\" font-size=\"11\" fill=\"#777\">\(skipped) value\(skipped == 1 ? "" : "s") not drawn (\(reason))</text>\n"
        }
        let legendWidth = legendWidth()
        guard let xRange = range(all.map(\.x)), let yRange = range(all.map(\.y)) else {
            let middle = (Self.width - legendWidth) / 2
            out += "<text class=\"note\" x=\"\(f(middle))\" y=\"\(f((Self.plotTop + Self.plotBottom) / 2))\" text-anchor=\"middle\" fill=\"#777\">no values to plot</text>\n"
            out += legend(left: Self.width - legendWidth)
            return out + "</svg>\n"
        }

        // The axes and the plot area they leave.
        let yAxis = plot.logScale ? PlotAxis(logarithmic: yRange.lowerBound, yRange.upperBound)
                                  : PlotAxis(linear: yRange.lowerBound, yRange.upperBound)
        let yLabels = yAxis.ticks.map(yAxis.label)
        let left = 34 + Self.textWidth(yLabels.map(\.count).max()!, size: Self.fontSize) + 8
        // Fewer x ticks when wide labels (millions of samples) would touch.
        let integral = all.allSatisfy { $0.x == $0.x.rounded() }
        let layouts = [PlotAxis.maximumIntervals, 5, 2].lazy.map { intervals in
            let axis = PlotAxis(linear: xRange.lowerBound, xRange.upperBound, integral: integral, maximumIntervals: intervals)
            let labels = axis.ticks.map(axis.label)
            let right = Self.width - legendWidth - max(16, Self.textWidth(labels.last!.count, size: Self.fontSize) / 2 + 6)
            let fits = (Self.textWidth(labels.map(\.count).max()!, size: Self.fontSize) + 10) * Double(labels.count - 1) <= right - left
            return (axis: axis, labels: labels, right: right, fits: fits)
        }
        let (xAxis, xLabels, right, _) = layouts.first { $0.fits } ?? layouts.last!
        let (top, bottom) = (Self.plotTop, Self.plotBottom)
        func x(_ value: Double) -> Double { left + (right - left) * xAxis.fraction(of: value) }
        func y(_ value: Double) -> Double { bottom - (bottom - top) * yAxis.fraction(of: value) }

        out += "<g class=\"y-axis\" fill=\"#555\" text-anchor=\"end\">\n"
        for (tick, label) in zip(yAxis.ticks, yLabels) {
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y(tick)))\" x2=\"\(f(right))\" y2=\"\(f(y(tick)))\" stroke=\"#e6e6e6\"/>\n"
            out += "<text x=\"\(f(left - 8))\" y=\"\(f(y(tick) + 4))\">\(Self.escape(label))</text>\n"
        }
        out += "</g>\n<g class=\"x-axis\" fill=\"#555\" text-anchor=\"middle\">\n"
        for (tick, label) in zip(xAxis.ticks, xLabels) {
            out += "<line x1=\"\(f(x(tick)))\" y1=\"\(f(top))\" x2=\"\(f(x(tick)))\" y2=\"\(f(bottom + 5))\" stroke=\"#f0f0f0\"/>\n"
            out += "<text x=\"\(f(x(tick)))\" y=\"\(f(bottom + 20))\">\(Self.escape(label))</text>\n"
        }
        out += "</g>\n"
        out += "<path d=\"M\(f(left)),\(f(top))V\(f(bottom))H\(f(right))\" fill=\"none\" stroke=\"#888\"/>\n"
        let xTitle = Self.cut(plot.xLabel, to: Self.characters(fitting: right - left, size: 13))
        out += "<text class=\"x-label\" x=\"\(f((left + right) / 2))\" y=\"\(f(Self.height - 12))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#333\">\(Self.escape(xTitle))</text>\n"
        let yTitle = Self.cut(plot.yLabel + (plot.logScale ? " (log scale)" : ""), to: Self.characters(fitting: bottom - top, size: 13))
        let middle = f((top + bottom) / 2)
        out += "<text class=\"y-label\" x=\"20\" y=\"\(middle)\" transform=\"rotate(-90 20 \(middle))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#333\">\(Self.escape(yTitle))</text>\n"

        // Every detail under every series, so no run's faint line covers another's bold one.
        func coordinates(_ points: [Point]) -> String {
            points.map { "\(f(x($0.x))),\(f(y($0.y)))" }.joined(separator: " ")
        }
        for (index, line) in lines.enumerated() {
            for detail in line.details where !detail.isEmpty {
                out += "<polyline class=\"detail\" data-series=\"\(Self.escape(plot.series[index].name))\" fill=\"none\" "
                    + "stroke=\"\(Self.colour(index))\" stroke-opacity=\"0.35\" stroke-width=\"1\" points=\"\(coordinates(detail))\"/>\n"
            }
        }
        for (index, line) in lines.enumerated() where !line.points.isEmpty {
            let name = Self.escape(plot.series[index].name)
            out += "<polyline class=\"series\" data-series=\"\(name)\" fill=\"none\" stroke=\"\(Self.colour(index))\" "
                + "stroke-width=\"2.5\" stroke-linejoin=\"round\" points=\"\(coordinates(line.points))\"/>\n"
            guard line.points.count <= Self.maximumMarkers else { continue }
            for point in line.points {
                out += "<circle cx=\"\(f(x(point.x)))\" cy=\"\(f(y(point.y)))\" r=\"3.5\" fill=\"\(Self.colour(index))\">"
                    + "<title>\(name): \(Self.exact(point.x)), \(Self.exact(point.y))</title></circle>\n"
            }
        }
        out += legend(left: Self.width - legendWidth)
        return out + "</svg>\n"
    }

    /// The legend column's width: room for the longest name, or none without series.
    private func legendWidth() -> Double {
        guard let longest = plot.series.map({ min($0.name.count, Self.legendCharacters) }).max() else { return 0 }
        return 34 + Self.textWidth(max(longest, 8), size: Self.fontSize) + 12
    }

    /// One row per series, a swatch of its colour and its name, as many as fit beside the plot.
    private func legend(left: Double) -> String {
        guard !plot.series.isEmpty else { return "" }
        let rows = Int((Self.plotBottom - Self.plotTop) / Self.legendRow)
        let shown = plot.series.count <= rows ? plot.series.count : rows - 1
        var out = "<g class=\"legend\" fill=\"#333\">\n"
        for (index, series) in plot.series.prefix(shown).enumerated() {
            let rowY = Self.plotTop + 8 + Double(index) * Self.legendRow
            out += "<line x1=\"\(f(left + 8))\" y1=\"\(f(rowY))\" x2=\"\(f(left + 28))\" y2=\"\(f(rowY))\" stroke=\"\(Self.colour(index))\" stroke-width=\"3\"/>\n"
            out += "<text x=\"\(f(left + 34))\" y=\"\(f(rowY + 4))\">\(Self.escape(Self.cut(series.name, to: Self.legendCharacters)))</text>\n"
        }
        if shown < plot.series.count {
            out += "<text x=\"\(f(left + 8))\" y=\"\(f(Self.plotTop + 12 + Double(shown) * Self.legendRow))\" fill=\"#777\">and \(plot.series.count - shown) more</text>\n"
        }
        return out + "</g>\n"
    }

    /// The smallest and largest of `values`, or nil for none.
    private func range(_ values: [Double]) -> ClosedRange<Double>? {
        guard let low = values.min(), let high = values.max() else { return nil }
        return low...high
    }

    private static func colour(_ index: Int) -> String { palette[index % palette.count] }

    /// A width that holds `count` characters of a proportional font of `size`: an average
    /// character is about half the size; digits and capitals are wider.
    private static func textWidth(_ count: Int, size: Double) -> Double { Double(count) * size * 0.62 }

    private static func characters(fitting width: Double, size: Double) -> Int { max(4, Int(width / (size * 0.62))) }

    /// `text` of at most `limit` characters, ending in "…" when cut.
    private static func cut(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : text.prefix(limit - 1) + "…"
    }

    /// A coordinate, to a tenth of a pixel.
    private func f(_ value: Double) -> String { String(format: "%.1f", value) }

    /// A value as a person checks it against their data: the shortest text that reads back to it.
    private static func exact(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    /// `text` for SVG content or an attribute: markup characters escaped, and characters XML
    /// forbids (control characters, U+FFFE, U+FFFF) replaced by U+FFFD, line breaks by spaces.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n", "\r", "\t": out += " "
            case "\u{20}"..."\u{D7FF}", "\u{E000}"..."\u{FFFD}", "\u{10000}"..."\u{10FFFF}": out.unicodeScalars.append(scalar)
            default: out += "\u{FFFD}"
            }
        }
        return out
    }
}
