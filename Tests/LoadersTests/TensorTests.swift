import Testing
@testable import Loaders

@Test func tensorReshapeKeepsScalars() {
    let tensor = Tensor<Float>(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    let reshaped = tensor.reshaped(to: [3, 2])
    #expect(reshaped.shape == [3, 2])
    #expect(reshaped.scalars == tensor.scalars)
    #expect(Tensor<Int32>(shape: [], repeating: 7).count == 1)
}
