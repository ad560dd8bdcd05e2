import Loaders

/// A fully connected layer `y = x · weightᵀ + bias` over `[batch, inputFeatures]`, like
/// PyTorch's `nn.Linear` (weight stored `[outputFeatures, inputFeatures]`).
///
/// The backward pass splits the weight's columns across `ComputeThreads`, so a wide layer's
/// weight gradient and input gradient are each computed in one pass over the input. Inside a
/// `Sequential`, a following `ReLU` is fused.
///
/// ```swift
/// let fc = Linear(inputFeatures: 21632, outputFeatures: 10, seed: 0)
/// let logits = fc.forward(features)   // [64, 21632] -> [64, 10]
/// ```
public final class Linear: Layer {
    public let inputFeatures: Int
    public let outputFeatures: Int
    /// `[outputFeatures, inputFeatures]`.
    public let weight: Parameter
    /// `[outputFeatures]`.
    public let bias: Parameter
    public var isTraining = true
    public var computesInputGradient = true
    /// Applies max(0, ·) to the output and masks the gradient accordingly (set by `Sequential`).
    var fusesReLU = false

    private var output = Tensor<Float>.empty
    private var inputGradient = Tensor<Float>.empty
    private var ownGradient = Tensor<Float>.empty
    private var savedInput: Tensor<Float>?

    /// A layer with PyTorch's default initialisation drawn from `generator`.
    /// - Precondition: both sizes are positive.
    public init(inputFeatures: Int, outputFeatures: Int, generator: inout SeededGenerator) {
        require(inputFeatures > 0 && outputFeatures > 0, "Linear sizes must be positive, got \(inputFeatures) inputs and \(outputFeatures) outputs")
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        weight = Parameter(
            name: "weight",
            value: Initialization.uniform(shape: [outputFeatures, inputFeatures], fanIn: inputFeatures, using: &generator))
        bias = Parameter(name: "bias", value: Initialization.uniform(shape: [outputFeatures], fanIn: inputFeatures, using: &generator))
    }

    /// A layer initialised from `seed`.
    public convenience init(inputFeatures: Int, outputFeatures: Int, seed: UInt64 = 0) {
        var generator = SeededGenerator(seed: seed)
        self.init(inputFeatures: inputFeatures, outputFeatures: outputFeatures, generator: &generator)
    }

    public var parameters: [Parameter] { [weight, bias] }

    public func forward(_ input: Tensor<Float>) -> Tensor<Float> {
        require(input.rank == 2 && input.shape[1] == inputFeatures,
                     "Linear expects [batch, \(inputFeatures)], got \(input.shape)")
        let batch = input.shape[0]
        let (n, k) = (outputFeatures, inputFeatures)
        output.reuse(shape: [batch, n])
        let relu = fusesReLU
        input.scalars.withUnsafeBufferPointer { x in
            weight.value.scalars.withUnsafeBufferPointer { w in
                bias.value.scalars.withUnsafeBufferPointer { b in
                    output.scalars.withUnsafeMutableBufferPointer { y in
                        ComputeThreads.parallelChunks(batch, minimumChunk: 8) { _, rows in
                            let out = y.baseAddress! + rows.lowerBound * n
                            BLAS.gemm(.plain, .transposed, m: rows.count, n: n, k: k,
                                      a: x.baseAddress! + rows.lowerBound * k, lda: k, b: w.baseAddress!, ldb: k,
                                      beta: 0, c: out, ldc: n)
                            Kernels.addRowVector(b.baseAddress!, rows: rows.count, columns: n, to: out, relu: relu)
                        }
                    }
                }
            }
        }
        savedInput = isTraining ? input : nil
        return output
    }

    public func backward(_ outputGradient: Tensor<Float>) -> Tensor<Float> {
        guard let input = savedInput else { preconditionFailure("Linear.backward needs a training-mode forward first") }
        require(outputGradient.shape == output.shape, "Linear gradient \(outputGradient.shape) for output \(output.shape)")
        let batch = input.shape[0]
        let (n, k) = (outputFeatures, inputFeatures)
        // The gradient is kept in the layer's own buffer (masked when ReLU is fused), small at
        // [batch, out], so `writeInputGradient` can use it after this pass returns.
        ownGradient.reuse(shape: output.shape)
        let relu = fusesReLU
        outputGradient.scalars.withUnsafeBufferPointer { dy in
            output.scalars.withUnsafeBufferPointer { y in
                ownGradient.scalars.withUnsafeMutableBufferPointer { m in
                    if relu {
                        Kernels.maskPositive(dy.baseAddress!, by: y.baseAddress!, count: dy.count, into: m.baseAddress!)
                    } else {
                        m.baseAddress!.update(from: dy.baseAddress!, count: dy.count)
                    }
                }
            }
        }
        let gradient = ownGradient
        let wantsInput = computesInputGradient
        if wantsInput { inputGradient.reuse(shape: input.shape) }
        gradient.scalars.withUnsafeBufferPointer { dy in
            bias.gradient.scalars.withUnsafeMutableBufferPointer { db in
                Kernels.addColumnSums(dy.baseAddress!, rows: batch, columns: n, to: db.baseAddress!)
            }
            input.scalars.withUnsafeBufferPointer { x in
                weight.value.scalars.withUnsafeBufferPointer { w in
                    weight.gradient.scalars.withUnsafeMutableBufferPointer { dw in
                        inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                            ComputeThreads.parallelChunks(k, minimumChunk: 256) { _, columns in
                                let c0 = columns.lowerBound
                                BLAS.gemm(.transposed, .plain, m: n, n: columns.count, k: batch,
                                          a: dy.baseAddress!, lda: n, b: x.baseAddress! + c0, ldb: k,
                                          beta: 1, c: dw.baseAddress! + c0, ldc: k)
                                if wantsInput {
                                    // Zeroing first and accumulating (beta 1) is faster than OpenBLAS's own beta-0 pass.
                                    for row in 0..<batch { (dx.baseAddress! + row * k + c0).update(repeating: 0, count: columns.count) }
                                    BLAS.gemm(.plain, .plain, m: batch, n: columns.count, k: n,
                                              a: dy.baseAddress!, lda: n, b: w.baseAddress! + c0, ldb: k,
                                              beta: 1, c: dx.baseAddress! + c0, ldc: k)
                                }
                            }
                        }
                    }
                }
            }
        }
        savedInput = nil
        return wantsInput ? inputGradient : .empty
    }

    /// Writes rows `rows` of the input gradient (`gradient · weight`, for the latest `backward`)
    /// into `target`, `rows.count × inputFeatures` floats. Safe to call from several threads at once.
    /// - Parameters:
    ///   - rows: the samples of the latest batch.
    ///   - target: room for `rows.count × inputFeatures` floats.
    func writeInputGradient(rows: Range<Int>, into target: UnsafeMutablePointer<Float>) {
        let (n, k) = (outputFeatures, inputFeatures)
        require(rows.upperBound <= ownGradient.shape.first ?? 0, "rows \(rows) beyond the latest batch")
        ownGradient.scalars.withUnsafeBufferPointer { dy in
            weight.value.scalars.withUnsafeBufferPointer { w in
                // Zeroing first and accumulating (beta 1) is faster than OpenBLAS's own beta-0 pass.
                target.update(repeating: 0, count: rows.count * k)
                BLAS.gemm(.plain, .plain, m: rows.count, n: k, k: n, a: dy.baseAddress! + rows.lowerBound * n, lda: n,
                          b: w.baseAddress!, ldb: k, beta: 1, c: target, ldc: k)
            }
        }
    }
}

extension Linear: FusingLayer {
    /// A `ReLU`.
    func absorb(_ next: any Layer) -> Bool {
        guard next is ReLU, !fusesReLU else { return false }
        fusesReLU = true
        return true
    }
}

extension Linear: GradientProducer {}
