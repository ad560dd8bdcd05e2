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
