import Foundation
import Testing
@testable import Loaders

/// `CSVWriter` with real-valued targets: target columns first, then the features, read back bit
/// for bit with `.values`.
@Suite struct CSVTargetWriterTests {
    /// Random bit patterns over the whole Float range (NaN aside, which reads back as the default
    /// NaN), with the edges written out: signed zeros, infinities, the smallest subnormal.
    static func randomExamples(count: Int, targetShape: [Int], featureCount: Int, seed: UInt64) -> [Example] {
        var random = SeededGenerator(seed: seed)
        func value() -> Float {
            var value: Float
            repeat { value = Float(bitPattern: UInt32(truncatingIfNeeded: random.next())) } while value.isNaN
            return value
        }
        let edges: [Float] = [-0.0, 0, .infinity, -.infinity, .leastNonzeroMagnitude, -.greatestFiniteMagnitude, 0.1, 1e-5]
        let targetCount = targetShape.reduce(1, *)
        return (0..<count).map { index in
            let targets = (0..<targetCount).map { index < edges.count ? edges[(index + $0) % edges.count] : value() }
            return Example(
                features: Tensor(shape: [featureCount], scalars: (0..<featureCount).map { _ in value() }),
                target: .values(Tensor(shape: targetShape, scalars: targets)))
        }
    }

    static func readBack(_ bytes: [UInt8], targetCount: Int, format: CSVFormat = .standard) throws -> CSVDataset {
        let path = try CSVFixturePaths.temporary(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try CSVDataset(path, targetColumns: (0..<targetCount).map(CSVColumn.index), targets: .values, format: format)
    }

    @Test(arguments: [[1], [3], [2, 2]])
    func realTargetsReadBackBitForBit(targetShape: [Int]) throws {
        let targetCount = targetShape.reduce(1, *)
        let examples = Self.randomExamples(count: 500, targetShape: targetShape, featureCount: 4, seed: 21)
        var writer = CSVWriter(featureCount: 4, targetCount: targetCount)
        for example in examples { writer.append(example) }
        let back = try Self.readBack(writer.take(), targetCount: targetCount)
        #expect(back.targetColumns == (targetCount == 1 ? ["target"] : (0..<targetCount).map { "target\($0)" }))
        #expect(back.featureColumns == ["f0", "f1", "f2", "f3"])
        try #require(back.count == examples.count)
        for (index, example) in examples.enumerated() {
            let sample = try back.sample(at: index)
            // A target of any shape is written flat, one column per value, and read back as [k].
            #expect(sample.values?.shape == [targetCount])
            #expect(sample.values?.scalars.map(\.bitPattern) == example.values?.scalars.map(\.bitPattern), "row \(index)")
            #expect(sample.features.scalars.map(\.bitPattern) == example.features.scalars.map(\.bitPattern), "row \(index)")
        }
    }

    /// The header names given, and the text written: the shortest decimal of each value.
    @Test func namesAndTextOfRealTargets() throws {
        var writer = CSVWriter(featureCount: 2, targetCount: 2, targetNames: ["u", "v,w"], featureNames: ["a", "b"])
        writer.append(Example(features: Tensor(shape: [2], scalars: [0.5, 3]), target: .values(Tensor(shape: [2], scalars: [-2.5, 1e-5]))))
        writer.append(Example(features: Tensor(shape: [2], scalars: [-0.0, 255]), target: .values(Tensor(shape: [2], scalars: [.infinity, 0.1]))))
        #expect(String(decoding: writer.take(), as: UTF8.self) == "u,\"v,w\",a,b\n-2.5,1e-05,0.5,3\ninf,0.1,-0.0,255\n")
        var one = CSVWriter(featureCount: 1, targetCount: 1)
        one.append(Example(features: Tensor(shape: [1], scalars: [0.5]), target: .value(-2.5)))
        #expect(String(decoding: one.take(), as: UTF8.self) == "target,f0\n-2.5,0.5\n")
    }

    /// With a delimiter numbers are written with, target values are quoted too, and read back.
    @Test(arguments: [".", "e"])
    func realTargetsWithADelimiterInNumbers(delimiter: String) throws {
        let format = CSVFormat(delimiter: Character(delimiter))
        let examples = Self.randomExamples(count: 50, targetShape: [2], featureCount: 2, seed: 5)
        var writer = CSVWriter(featureCount: 2, targetCount: 2, format: format)
        for example in examples { writer.append(example) }
        let back = try Self.readBack(writer.take(), targetCount: 2, format: format)
        for (index, example) in examples.enumerated() {
            #expect(try back.sample(at: index).values?.scalars.map(\.bitPattern) == example.values?.scalars.map(\.bitPattern))
        }
    }

    /// Python's file, read, written and read again: the same samples.
    @Test func pythonFileRoundTrips() throws {
        let source = try CSVDataset(CSVFixturePaths.csv("multi_target.csv"), targetColumns: ["u", "v"], targets: .values)
        var writer = CSVWriter(featureCount: 3, targetCount: 2, targetNames: source.targetColumns, featureNames: source.featureColumns)
        for index in 0..<source.count { writer.append(try source.sample(at: index)) }
        let path = try CSVFixturePaths.temporary(writer.take())
        defer { try? FileManager.default.removeItem(atPath: path) }
        let back = try CSVDataset(path, targetColumns: ["u", "v"], targets: .values)
        #expect(back.featureColumns == source.featureColumns)
        for index in 0..<source.count {
            #expect(try back.sample(at: index) == source.sample(at: index), "row \(index)")
        }
    }
}
