// The wine MLP, the second seed program: classify the three cultivars of the UCI wine data
// (178 rows of 13 chemical measurements) with a 13-10-10-3 network, printing each batch's loss
// and each epoch's average, then the accuracy on 36 rows held out from training.
//
//     swift run wine-mlp [--data Fixtures/wine.csv] [--epochs 150]

import Foundation
import Loaders
import Training

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
    FileHandle.standardError.write(Data("wine-mlp: \(message)\n".utf8))
    exit(1)
}

let given = options(["--data": "Fixtures/wine.csv", "--epochs": "150"])
guard let epochs = Int(given["--epochs"]!), epochs > 0 else { fail("--epochs takes a positive whole number") }
let path = given["--data"]!
guard FileManager.default.fileExists(atPath: path) else {
    fail("no wine CSV at \(path): run from the repository root, or give its path with --data")
}

do {
    let wine = try CSVDataset(path, labelColumn: "target")                 // 13 features, classes 0, 1, 2
    let parts = wine.randomSplit(counts: [wine.count - 36, 36], seed: 7)
    let (train, heldOut) = (parts[0], parts[1])
    // Proline is in the thousands, hue near 1: standardise every column with the mean and standard
    // deviation of the training rows only, so nothing of the held-out rows leaks into training.
    let statistics = try train.featureStatistics()
    let trainLoader = DataLoader(train.normalized(by: statistics), batchSize: 32, shuffle: true, seed: 42)
    let testLoader = DataLoader(heldOut.normalized(by: statistics), batchSize: 36)

    var random = SeededGenerator(seed: 3)
    let model = Sequential([
        Linear(inputFeatures: 13, outputFeatures: 10, generator: &random), ReLU(),
        Linear(inputFeatures: 10, outputFeatures: 10, generator: &random), ReLU(),
        Linear(inputFeatures: 10, outputFeatures: 3, generator: &random),
    ])
    let trainer = Trainer(model: model, optimizer: Adam(model.parameters, learningRate: 0.001))   // cross-entropy
    for epoch in 1...epochs {
        let report = try await trainer.trainEpoch(trainLoader, epoch: epoch) { progress in
            print(String(format: "epoch %d/%d, batch %d/%d: loss %.4f", epoch, epochs, progress.batch, trainLoader.count, progress.batchLoss))
        }
        print(String(format: "epoch %d/%d: average loss %.4f", epoch, epochs, report.trainLoss))
    }

    let evaluation = try await trainer.evaluate(on: testLoader)
    guard case .classification(let metrics) = evaluation.metrics else { fail("the held-out rows have no class labels") }
    print(String(format: "held-out accuracy: %d/%d (%.1f%%)", metrics.correct, metrics.total, 100 * metrics.accuracy))
} catch {
    fail(error.localizedDescription)
}
