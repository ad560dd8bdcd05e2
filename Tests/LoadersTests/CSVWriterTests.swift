import Foundation
import Testing
@testable import Loaders

@Test func csvWriterWritesLabelFirstAndShortestFloats() {
    var writer = CSVWriter(featureCount: 4, labelName: "digit", featureNames: ["a", "b,c", "d\"e", "f"])
    writer.append(Example(features: Tensor(shape: [2, 2], scalars: [0.5, 3, -0.0, 1e-5]), label: 7))
    writer.append(Example(features: Tensor(shape: [2, 2], scalars: [.infinity, 255, -12, 0.1]), label: -1))
    #expect(String(decoding: writer.take(), as: UTF8.self) == "digit,a,\"b,c\",\"d\"\"e\",f\n7,0.5,3,-0.0,1e-05\n-1,inf,255,-12,0.1\n")
    #expect(writer.bytes.isEmpty)
}

/// With a delimiter that numbers are written with, the numbers are quoted, so they read back.
@Test(arguments: [".", "-", "e", "5"])
func csvWriterQuotesNumbersHoldingTheDelimiter(delimiter: String) throws {
    let format = CSVFormat(delimiter: Character(delimiter))
    var writer = CSVWriter(featureCount: 3, format: format)
    let examples = [
        Example(features: Tensor(shape: [3], scalars: [0.5, -12, 1e-5]), label: 5),
        Example(features: Tensor(shape: [3], scalars: [.infinity, 255, -0.0]), label: -15),
    ]
    for example in examples { writer.append(example) }
    let path = try CSVFixturePaths.temporary(writer.take())
    defer { try? FileManager.default.removeItem(atPath: path) }
    let dataset = try CSVDataset(path, format: format)
    #expect(dataset.featureColumns == ["f0", "f1", "f2"])
    for (index, example) in examples.enumerated() {
        let read = try dataset.sample(at: index)
        #expect(read.label == example.label)
        #expect(read.features.scalars.map(\.bitPattern) == example.features.scalars.map(\.bitPattern))
    }
}

/// What the writer writes, the reader reads back bit for bit: random bit patterns across the
/// whole Float range (NaN aside), and the wine table.
@Test func csvWriterRoundTripsThroughCSVDataset() throws {
    var random = SeededGenerator(seed: 11)
    var examples: [Example] = []
    for label in 0..<2_000 {
        let scalars = (0..<6).map { _ -> Float in
            var value: Float
            repeat { value = Float(bitPattern: UInt32(truncatingIfNeeded: random.next())) } while value.isNaN
            return value
        } + [Float(label % 256), Float(label) / 255]
        examples.append(Example(features: Tensor(shape: [8], scalars: scalars), label: label % 10))
    }
    let wine = try CSVDataset(CSVFixturePaths.fixtures + "/wine.csv", labelColumn: "target")
    for sets in [examples, try (0..<wine.count).map { try wine.sample(at: $0) }] {
        var writer = CSVWriter(featureCount: sets[0].features.count)
        for example in sets { writer.append(example) }
        let path = try CSVFixturePaths.temporary(writer.take())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let back = try CSVDataset(path, shape: sets[0].features.shape)
        try #require(back.count == sets.count)
        for index in sets.indices {
            let sample = try back.sample(at: index)
            #expect(sample.label == sets[index].label)
            #expect(sample.features.shape == sets[index].features.shape)
            #expect(sample.features.scalars.map(\.bitPattern) == sets[index].features.scalars.map(\.bitPattern), "row \(index)")
        }
    }
}
