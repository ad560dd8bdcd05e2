import Foundation
import Loaders
import Testing

// The code of README.md's "Your own sample type" section, word for word: if it stops compiling or
// running here, the README is wrong too.

/// A house for sale: two inputs, a photo and a row of facts, and the price to predict.
struct House: Collatable {
    var photo: Tensor<Float>    // [3, 8, 8]: colour channels, height, width
    var facts: Tensor<Float>    // [4]: rooms, floor area, age, distance to the centre
    var price: Float

    /// Stacks each field along a new first dimension; a sample whose photo or facts have another
    /// shape is a `LoaderError` naming the field, the sample and both shapes.
    static func collate(_ samples: [House], indices: [Int]) throws -> HouseBatch {
        HouseBatch(
            photo: try .stacked(samples.map(\.photo), field: "photo", indices: indices),
            facts: try .stacked(samples.map(\.facts), field: "facts", indices: indices),
            price: Tensor(shape: [samples.count, 1], scalars: samples.map(\.price)))
    }
}

struct HouseBatch: Sendable {
    var photo: Tensor<Float>    // [B, 3, 8, 8]
    var facts: Tensor<Float>    // [B, 4]
    var price: Tensor<Float>    // [B, 1], as a Linear(…, 1) output
}

/// A made-up market of 100 houses, each built from its index.
struct Houses: Dataset {
    var count: Int { 100 }

    func sample(at index: Int) throws -> House {
        let rooms = Float(1 + index % 5), area = Float(40 + index)
        // A tensor is a shape and its scalars in row-major order (the last index varies fastest).
        let facts = Tensor(shape: [4], scalars: [rooms, area, Float(index % 30), Float(index % 7)])
        let photo = Tensor<Float>(shape: [3, 8, 8], repeating: area / 140)
        return House(photo: photo, facts: facts, price: 2_000 * area + 5_000 * rooms)
    }
}

func averagePrices() async throws -> [Float] {
    var averages: [Float] = []
    for try await batch in DataLoader(Houses(), batchSize: 32, shuffle: true, seed: 1) {
        // batch.photo.shape == [32, 3, 8, 8], batch.facts.shape == [32, 4] (the last batch has 4 houses)
        averages.append(batch.price.scalars.reduce(0, +) / Float(batch.price.shape[0]))
    }
    return averages
}

// End of the README's code.

/// The README's sample type through a `DataLoader`: every house once, each field stacked in step.
@Suite struct OwnSampleTypeTests {
    @Test func fieldsAreStackedInStepThroughTheLoader() async throws {
        var seen: [Float] = []
        for try await batch in DataLoader(Houses(), batchSize: 32, shuffle: true, seed: 1) {
            let size = batch.price.shape[0]
            #expect(batch.photo.shape == [size, 3, 8, 8])
            #expect(batch.facts.shape == [size, 4])
            #expect(batch.price.shape == [size, 1])
            for row in 0..<size {
                let (rooms, area) = (batch.facts.scalars[4 * row], batch.facts.scalars[4 * row + 1])
                #expect(batch.price.scalars[row] == 2_000 * area + 5_000 * rooms)
                #expect(batch.photo.scalars[(192 * row)..<(192 * row + 192)].allSatisfy { $0 == area / 140 })
                seen.append(area - 40)
            }
        }
        #expect(seen.sorted() == (0..<100).map(Float.init))
        #expect(seen != seen.sorted())   // shuffled

        let averages = try await averagePrices()
        #expect(averages.count == 4)
        // Every house's price once: batches of 32, 32, 32 and 4 weigh the averages back to the total.
        let total = zip(averages, [32, 32, 32, 4]).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        var expected = 0.0
        for index in 0..<100 {
            let (area, rooms) = (Double(40 + index), Double(1 + index % 5))
            expected += 2_000 * area + 5_000 * rooms
        }
        #expect(abs(total - expected) < 1e-6 * expected)
    }

    /// The README's section holds exactly the code between this file's markers.
    @Test func readmeShowsThisCode() throws {
        let readme = try String(contentsOf: ExamplePrograms.root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "## Your own sample type").dropFirst().first)
        let block = try #require(section.components(separatedBy: "```swift\n").dropFirst().first?.components(separatedBy: "```").first)
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let code = try #require(source.components(separatedBy: "word for word: if it stops compiling or\n").dropFirst().first?
            .components(separatedBy: "// End of the README's code.").first)
        let body = try #require(code.components(separatedBy: "README is wrong too.\n\n").dropFirst().first)
        #expect(block == "import Loaders\n\n" + body.dropLast())
    }

    /// A sample whose facts have another shape: the error names the field, the sample and both shapes.
    @Test func aFieldOfAnotherShapeIsNamed() throws {
        let houses = try (0..<3).map { try Houses().sample(at: $0) }
        var odd = houses[2]
        odd.facts = Tensor(shape: [5], repeating: 1)
        let error = try #require(throws: LoaderError.self) {
            try House.collate([houses[0], houses[1], odd], indices: [10, 11, 12])
        }
        #expect(error.code == .mismatch)
        #expect(error.location == .sampleIndex(12))
        #expect(error.message == "facts of shape [5], where sample 10 in the same batch has [4]", "\(error.message)")
    }
}
