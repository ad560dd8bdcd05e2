import Loaders

/// PyTorch's default initialisation for `Linear` and `Conv2d`.
enum Initialization {
    /// Weights from kaiming-uniform with `a = √5`, whose bound `gain · √(3 / fanIn)` with
    /// `gain = √(2 / (1 + a²))` reduces to `1 / √fanIn`; biases from `U(−1/√fanIn, 1/√fanIn)`.
    static func uniform(shape: [Int], fanIn: Int, using generator: inout SeededGenerator) -> Tensor<Float> {
        let bound = 1 / Float(fanIn).squareRoot()
        let count = Tensor<Float>.elementCount(of: shape)
        var scalars = [Float](repeating: 0, count: count)
        for index in 0..<count {
            // 24 random bits give every float in [0, 1) the same spacing.
            let unit = Float(generator.next() >> 40) * 0x1p-24
            scalars[index] = (2 * unit - 1) * bound
        }
        return Tensor(shape: shape, scalars: scalars)
    }
}
