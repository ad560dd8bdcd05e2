// The MNIST CNN, the third seed program: one convolution, a ReLU and a linear layer learn the
// handwritten digits, trained with plain SGD; prints progress and the test accuracy.
//
//     swift run -c release mnist-cnn [--data Fixtures/mnist] [--epochs 1] [--subset N] [--test-subset N]
//
// `--subset` trains on the first N training images only, `--test-subset` tests on the first N
// test images only: a quick run for a first look.

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
    FileHandle.standardError.write(Data("mnist-cnn: \(message)\n".utf8))
    exit(1)
}

/// The option `name` as a positive whole number.
func count(_ name: String, in given: [String: String]) -> Int {
    guard let value = Int(given[name]!), value > 0 else { fail("\(name) takes a positive whole number, got \(given[name]!)") }
    return value
}

let given = options(["--data": "Fixtures/mnist", "--epochs": "1", "--subset": "60000", "--test-subset": "10000"])
let (epochs, subset, testSubset) = (count("--epochs", in: given), count("--subset", in: given), count("--test-subset", in: given))
let directory = given["--data"]!
var isFolder: ObjCBool = false
guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue else {
    fail("no MNIST folder at \(directory): run from the repository root, or give the folder of the four IDX files with --data")
}

do {
    let train = try MNIST(directory: directory, split: .train)     // [1, 28, 28] images in [0, 1], labels 0…9
    let test = try MNIST(directory: directory, split: .test)
    let trainLoader = DataLoader(train.subset(Array(0..<min(subset, train.count))),
                                 batchSize: 64, shuffle: true, workers: 2, seed: 42)
    let testLoader = DataLoader(test.subset(Array(0..<min(testSubset, test.count))), batchSize: 1000, workers: 2)

    var random = SeededGenerator(seed: 0)
    let model = Sequential([
        Conv2d(inputChannels: 1, outputChannels: 32, kernelSize: 3, generator: &random), ReLU(),   // [32, 26, 26]
        Flatten(),
        Linear(inputFeatures: 32 * 26 * 26, outputFeatures: 10, generator: &random),             // 21,632 → 10
    ])
    // Each image standardised with MNIST's mean 0.1307 and standard deviation 0.3081 on its way in.
    let trainer = Trainer(model: model, optimizer: SGD(model.parameters, learningRate: 0.01), normalization: .mnist)
    for epoch in 1...epochs {
        let report = try await trainer.trainEpoch(trainLoader, epoch: epoch, test: testLoader) { progress in
            if progress.batch % 100 == 0 || progress.batch == trainLoader.count {
                print(String(format: "epoch %d, batch %d/%d: mean loss so far %.4f", epoch, progress.batch, trainLoader.count, progress.runningLoss))
            }
        }
        guard case .classification(let metrics)? = report.test?.metrics else { fail("the test images have no class labels") }
        print(String(format: "epoch %d: training loss %.4f, test accuracy %d/%d (%.2f%%), %.1f s",
                     epoch, report.trainLoss, metrics.correct, metrics.total, 100 * metrics.accuracy, report.trainSeconds))
    }
} catch {
    fail(error.localizedDescription)
}
