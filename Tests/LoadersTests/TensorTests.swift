import Testing
@testable import Loaders

@Test func tensorReshapeKeepsScalars() {
    let tensor = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    let reshaped = tensor.reshaped(to: [3, 2])
    #expect(reshaped.shape == [3, 2])
    #expect(reshaped.scalars == tensor.scalars)
    #expect(Tensor<Int32>(shape: [], repeating: 7).count == 1)
}

@Test func seededGeneratorMatchesReferenceXoshiro() {
    // Values from the xoshiro256** reference algorithm started at state (1, 2, 3, 4).
    var reference = SeededGenerator(state: (1, 2, 3, 4))
    #expect((0..<3).map { _ in reference.next() } == [11520, 0, 1_509_978_240])

    var generator = SeededGenerator(seed: 7)
    var again = SeededGenerator(seed: 7)
    #expect((0..<4).map { _ in generator.next() } == (0..<4).map { _ in again.next() })
    var stream0 = SeededGenerator(seed: 7, stream: 0)
    var stream1 = SeededGenerator(seed: 7, stream: 1)
    #expect(stream0.next() != stream1.next())
}
