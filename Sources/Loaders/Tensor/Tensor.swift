/// A dense, row-major array of scalars with a shape: the currency between loaders and training.
///
/// `scalars` is contiguous; element `[i0, i1, …]` sits at `i0 * strides[0] + i1 * strides[1] + …`.
///
/// ```swift
/// let image = Tensor<Float>(shape: [1, 28, 28], repeating: 0)
/// image.shape   // [1, 28, 28]
/// ```
public struct Tensor<Scalar: Sendable>: Sendable {
    /// The extent of each dimension; `[]` is a scalar tensor holding one element.
    public var shape: [Int]
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    public var scalars: [Scalar]

    /// Wraps `scalars` in `shape`.
    /// - Precondition: every dimension is non-negative and their product equals `scalars.count`.
    public init(shape: [Int], scalars: [Scalar]) {
        require(shape.allSatisfy { $0 >= 0 }, "Tensor shape \(shape) has a negative dimension")
        require(
            Tensor.elementCount(of: shape) == scalars.count,
            "Tensor shape \(shape) needs \(Tensor.elementCount(of: shape)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    /// A tensor of `shape` with every element equal to `value`.
    public init(shape: [Int], repeating value: Scalar) {
        self.init(shape: shape, scalars: Array(repeating: value, count: Tensor.elementCount(of: shape)))
    }

    /// The number of elements.
    public var count: Int { scalars.count }

    /// The number of dimensions.
    public var rank: Int { shape.count }

    /// The same elements viewed with another shape of equal element count.
    public func reshaped(to newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    /// The product of `shape`'s dimensions (1 for a scalar tensor).
    public static func elementCount(of shape: [Int]) -> Int {
        shape.reduce(1, *)
    }
}

extension Tensor: Equatable where Scalar: Equatable {}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let preview = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), scalars: [\(preview)\(scalars.count > 8 ? ", …" : "")])"
    }
}
