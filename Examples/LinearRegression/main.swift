// Linear regression, the first seed program: fit y = -5x + noise with one Linear(1, 1) by
// stochastic gradient descent (batches of 1) and mini-batch gradient descent (batches of 10 and
// 20), print each fitted line, and draw the three runs' losses in one plot.
//
//     swift run linear-regression [--epochs 30] [--plot compare.svg]

import Foundation
import Loaders
import Training

/// The points y = -5x + noise at x = -5, -4.9, …, 4.9, the noise drawn from N(0, 0.4²): a dataset
/// whose every sample is an `(x, y)` pair, as a PyTorch `Dataset`'s `__getitem__` returns one.
struct NoisyLine: Dataset {
    let examples: [Example]

    init(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        examples = (0..<100).map { i in
            let x = Float(-5 + 0.1 * Double(i))
            let y = -5 * x + random.nextNormal(standardDeviation: 0.4)
            return Example(features: Tensor(shape: [1], scalars: [x]), target: .value(y))
        }
    }

    var count: Int { examples.count }

    func sample(at index: Int) -> Example { examples[index] }
}

/// The `--name value` options given, each one of `defaults`' names, over the defaults.
func options(_ defaults: [String: String]) -> [String: String] {
    var options = defaults
    var arguments = CommandLine.arguments.dropFirst()
    while let name = arguments.popFirst() {
        guard defaults[name] != nil, let value = arguments.popFirst() else {
            fail("unknown option or missing value at \(name); options: \(defaults.keys.sorted().joined(separator: ", "))")
        }
        options[name] = value
    }
    return options
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("linear-regression: \(message)\n".utf8))
    exit(1)
}

let given = options(["--epochs": "30", "--plot": "compare.svg"])
guard let epochs = Int(given["--epochs"]!), epochs > 0 else { fail("--epochs takes a positive whole number") }
let plotPath = given["--plot"]!

let line = NoisyLine(seed: 2024)
var plot = LossPlot(title: "loss of stochastic vs mini-batch 10 vs mini-batch 20")
do {
    for batchSize in [1, 10, 20] {
        let loader = DataLoader(line, batchSize: batchSize, shuffle: true, seed: 42)   // reshuffled every epoch
        let model = Linear(inputFeatures: 1, outputFeatures: 1, seed: 1)
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters, learningRate: 0.01), loss: MSELoss())
        var losses: [Double] = []
        for epoch in 1...epochs {
            losses.append(try await trainer.trainEpoch(loader, epoch: epoch).trainLoss)   // the epoch's mean loss
        }
        let (slope, intercept) = (model.weight.value.scalars[0], model.bias.value.scalars[0])
        print(String(format: "batch %2d: y = %.4f x %+.4f, last epoch's loss %.4f", batchSize, slope, intercept, losses.last!))
        plot.addSeries("batch \(batchSize)", x: (1...epochs).map(Double.init), y: losses)
    }
    try plot.write(to: plotPath)
    print("wrote \(plotPath)")
} catch {
    fail(error.localizedDescription)
}

// MARK: - Stand-in for `Training.LossPlot`: delete this type once `Training` has its own.

/// Lines of loss against epoch, one per series, in an SVG with a legend.
struct LossPlot {
    var title: String
    var xLabel = "epoch"
    var yLabel = "loss"
    private var series: [(name: String, x: [Double], y: [Double])] = []

    init(title: String, xLabel: String = "epoch", yLabel: String = "loss") {
        (self.title, self.xLabel, self.yLabel) = (title, xLabel, yLabel)
    }

    mutating func addSeries(_ name: String, x: [Double], y: [Double]) {
        series.append((name, x, y))
    }

    func write(to path: String) throws {
        let xs = series.flatMap(\.x), ys = series.flatMap(\.y)
        let (x0, x1) = (xs.min() ?? 0, max(xs.max() ?? 1, (xs.min() ?? 0) + 1))
        let (y0, y1) = (min(ys.min() ?? 0, 0), max(ys.max() ?? 1, 1e-9))
        func point(_ x: Double, _ y: Double) -> String {
            String(format: "%.1f,%.1f", 60 + (x - x0) / (x1 - x0) * 500, 340 - (y - y0) / (y1 - y0) * 300)
        }
        let colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"]
        var svg = #"<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400" font-family="sans-serif" font-size="12">"#
        svg += #"<text x="320" y="20" text-anchor="middle">\#(title)</text>"#
        svg += #"<text x="310" y="380" text-anchor="middle">\#(xLabel)</text><text x="15" y="190" transform="rotate(-90 15 190)" text-anchor="middle">\#(yLabel)</text>"#
        svg += String(format: #"<text x="55" y="44" text-anchor="end">%.3g</text><text x="55" y="344" text-anchor="end">%.3g</text>"#, y1, y0)
        for (index, line) in series.enumerated() {
            let colour = colours[index % colours.count]
            svg += #"<polyline fill="none" stroke="\#(colour)" points="\#(zip(line.x, line.y).map(point).joined(separator: " "))"/>"#
            svg += #"<text x="470" y="\#(50 + 16 * index)" fill="\#(colour)">\#(line.name)</text>"#
        }
        try (svg + "</svg>\n").write(toFile: path, atomically: true, encoding: .utf8)
    }
}
