import Loaders

extension Tensor where Scalar == Float {
    /// Gives this buffer `shape`, keeping its storage: the array shrinks and grows within its
    /// capacity, so a layer allocates its output once and reuses it for every batch, a shorter
    /// last batch included. Elements beyond the old count start at zero; others keep stale values.
    mutating func reuse(shape newShape: [Int]) {
        if shape == newShape { return }
        let needed = Tensor.elementCount(of: newShape)
        if needed < count {
            scalars.removeLast(count - needed)
        } else if needed > count {
            scalars.append(contentsOf: repeatElement(0, count: needed - count))
        }
        shape = newShape
    }

    /// An empty tensor, returned by `backward` when no input gradient is wanted.
    static var empty: Tensor<Float> { Tensor(shape: [0], scalars: []) }
}
