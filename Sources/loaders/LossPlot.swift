import Foundation

/// An SVG chart of training loss: every batch's loss as a thin line, each epoch's mean loss as
/// a bold line with points, against the number of samples seen. Self-contained (no scripts or
/// external fonts), so any browser shows it.
struct LossPlot {
    /// (samples seen so far, that batch's loss), in training order.
    var batches: [(samples: Int, loss: Double)] = []
    /// (samples seen at the epoch's end, the epoch's mean loss).
    var epochs: [(samples: Int, loss: Double)] = []
    var title = "Training loss"

    private let width = 880.0, height = 440.0
    private let left = 70.0, right = 24.0, top = 48.0, bottom = 56.0

    /// The SVG document.
    var svg: String {
        let finite = batches.map(\.loss).filter(\.isFinite) + epochs.map(\.loss).filter(\.isFinite)
        let lastSample = max(1, batches.last?.samples ?? 0, epochs.last?.samples ?? 0)
        // The top of the scale ignores the first batches' spike above the 99th percentile.
        let sorted = finite.sorted()
        let ceiling = niceCeiling(sorted.isEmpty ? 1 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))])
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func x(_ samples: Int) -> Double { left + plotWidth * Double(samples) / Double(lastSample) }
        func y(_ loss: Double) -> Double { top + plotHeight * (1 - min(max(loss, 0), ceiling) / ceiling) }

        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="13">
        <rect width="100%" height="100%" fill="#ffffff"/>
        <text x="\(left)" y="28" font-size="17" font-weight="600" fill="#222">\(escape(title))</text>

        """
        // Horizontal grid lines and loss labels.
        for step in 0...5 {
            let value = ceiling * Double(step) / 5
            let yy = y(value)
            out += "<line x1=\"\(f(left))\" y1=\"\(f(yy))\" x2=\"\(f(width - right))\" y2=\"\(f(yy))\" stroke=\"#e6e6e6\"/>\n"
            out += "<text x=\"\(f(left - 8))\" y=\"\(f(yy + 4))\" text-anchor=\"end\" fill=\"#555\">\(label(value))</text>\n"
        }
        // Epoch boundaries as vertical lines.
        for (index, epoch) in epochs.enumerated() {
            let xx = x(epoch.samples)
            out += "<line x1=\"\(f(xx))\" y1=\"\(f(top))\" x2=\"\(f(xx))\" y2=\"\(f(height - bottom))\" stroke=\"#d0d0d0\" stroke-dasharray=\"4 4\"/>\n"
            out += "<text x=\"\(f(xx))\" y=\"\(f(height - bottom + 18))\" text-anchor=\"middle\" fill=\"#555\">epoch \(index + 1)</text>\n"
        }
        out += "<line x1=\"\(f(left))\" y1=\"\(f(height - bottom))\" x2=\"\(f(width - right))\" y2=\"\(f(height - bottom))\" stroke=\"#888\"/>\n"
        out += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(height - bottom))\" stroke=\"#888\"/>\n"
        out += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\" fill=\"#333\">samples seen (\(lastSample) in all)</text>\n"
        out += "<text transform=\"translate(18 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\" fill=\"#333\">cross-entropy loss</text>\n"

        if !batches.isEmpty {
            let points = batches.filter { $0.loss.isFinite }.map { "\(f(x($0.samples))),\(f(y($0.loss)))" }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"#7fb3e6\" stroke-width=\"1\" points=\"\(points)\"/>\n"
        }
        // A diverged epoch (NaN or infinite loss) has no place on the scale; its boundary line stays.
        let finiteEpochs = epochs.filter { $0.loss.isFinite }
        if !finiteEpochs.isEmpty {
            let points = finiteEpochs.map { "\(f(x($0.samples))),\(f(y($0.loss)))" }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"#d9480f\" stroke-width=\"2.5\" points=\"\(points)\"/>\n"
            for epoch in finiteEpochs {
                out += "<circle cx=\"\(f(x(epoch.samples)))\" cy=\"\(f(y(epoch.loss)))\" r=\"4\" fill=\"#d9480f\"><title>\(label(epoch.loss))</title></circle>\n"
            }
        }
        // Legend.
        let legendX = width - right - 250
        out += "<line x1=\"\(f(legendX))\" y1=\"24\" x2=\"\(f(legendX + 24))\" y2=\"24\" stroke=\"#7fb3e6\" stroke-width=\"2\"/>\n"
        out += "<text x=\"\(f(legendX + 30))\" y=\"28\" fill=\"#333\">per batch</text>\n"
        out += "<line x1=\"\(f(legendX + 110))\" y1=\"24\" x2=\"\(f(legendX + 134))\" y2=\"24\" stroke=\"#d9480f\" stroke-width=\"2.5\"/>\n"
        out += "<text x=\"\(f(legendX + 140))\" y=\"28\" fill=\"#333\">epoch mean</text>\n"
        out += "</svg>\n"
        return out
    }

    /// Writes `svg` to `path`.
    func write(to path: String) throws {
        try Data(svg.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }

    private func label(_ value: Double) -> String {
        value == 0 ? "0" : String(format: value < 0.1 ? "%.3f" : "%.2f", value)
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }

    /// 1, 2 or 5 times a power of ten, at least `value`.
    private func niceCeiling(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let power = pow(10, floor(log10(value)))
        for factor in [1.0, 2.0, 2.5, 5.0, 10.0] where factor * power >= value { return factor * power }
        return 10 * power
    }
}
