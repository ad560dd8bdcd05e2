import Loaders

/// A fully connected layer `y = x · weightᵀ + bias` over `[batch, inputFeatures]`, like
/// PyTorch's `nn.Linear` (weight stored `[outputFeatures, inputFeatures]`).
///
/// The forward pass splits the batch across `ComputeThreads`. The backward pass splits the batch
/// too when the input outweighs the weight (a wide layer with fewer outputs than samples), so each
/// thread reads only the samples it produced, and otherwise the weight's columns, so the weight
/// gradient and input gradient are each computed in one pass over the input. Inside a
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
    /// Each thread's weight-gradient sum, when the backward pass splits rows.
    private var partials: [Float] = []

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
                            if n < rows.count {
                                // Few outputs: OpenBLAS computes W · xᵀ faster than x · Wᵀ (0.61 against
                                // 0.75 ms a step on one thread for the seed CNN's layer).
                                withUnsafeTemporaryAllocation(of: Float.self, capacity: n * rows.count) { transposed in
                                    let t = transposed.baseAddress!
                                    BLAS.gemm(.plain, .transposed, m: n, n: rows.count, k: k,
                                              a: w.baseAddress!, lda: k, b: x.baseAddress! + rows.lowerBound * k, ldb: k,
                                              beta: 0, c: t, ldc: rows.count)
                                    for row in 0..<rows.count {
                                        for o in 0..<n { out[row * n + o] = t[o * rows.count + row] }
                                    }
                                }
                            } else {
                                BLAS.gemm(.plain, .transposed, m: rows.count, n: n, k: k,
                                          a: x.baseAddress! + rows.lowerBound * k, lda: k, b: w.baseAddress!, ldb: k,
                                          beta: 0, c: out, ldc: n)
                            }
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
        let n = outputFeatures
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
                            if splitsRows(batch: batch) {
                                backwardByRows(batch: batch, dy: dy.baseAddress!, x: x.baseAddress!, w: w.baseAddress!,
                                               dw: dw.baseAddress!, dx: wantsInput ? dx.baseAddress! : nil)
                            } else {
                                backwardByColumns(batch: batch, dy: dy.baseAddress!, x: x.baseAddress!, w: w.baseAddress!,
                                                  dw: dw.baseAddress!, dx: wantsInput ? dx.baseAddress! : nil)
                            }
                        }
                    }
                }
            }
        }
        savedInput = nil
        return wantsInput ? inputGradient : .empty
    }

    /// Whether the backward pass splits the batch rather than the weight's columns across the
    /// threads: when the input outweighs the weight (fewer outputs than samples) and the layer is
    /// wide. Each thread then reads only the samples it produced in the forward pass, which on a
    /// machine whose cores share data slowly costs far less than reading every sample's columns,
    /// at the price of a weight-sized partial sum per thread.
    private func splitsRows(batch: Int) -> Bool {
        outputFeatures < batch && inputFeatures >= 1024 && ComputeThreads.partCount(batch, minimumChunk: Self.rowChunk) > 1
    }

    /// The fewest samples a thread takes in a split by rows.
    private static let rowChunk = 8

    /// The weight gradient summed over each thread's samples into its own partial sum, then the
    /// partial sums added to `dw` in thread order, each thread adding the range that zeroing the
    /// gradient and the optimizer's step give it, so that no thread writes what another just read.
    private func backwardByRows(
        batch: Int, dy: UnsafePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
        dw: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?
    ) {
        let (n, k) = (outputFeatures, inputFeatures)
        let parts = ComputeThreads.partCount(batch, minimumChunk: Self.rowChunk)
        if partials.count < parts * n * k { partials = [Float](repeating: 0, count: parts * n * k) }
        partials.withUnsafeMutableBufferPointer { partials in
            ComputeThreads.parallelChunks(batch, minimumChunk: Self.rowChunk) { part, rows in
                let sum = partials.baseAddress! + part * n * k
                BLAS.gemm(.transposed, .plain, m: n, n: k, k: rows.count,
                          a: dy + rows.lowerBound * n, lda: n, b: x + rows.lowerBound * k, ldb: k,
                          beta: 0, c: sum, ldc: k)
                if let dx {
                    // Zeroing first and accumulating (beta 1) is faster than OpenBLAS's own beta-0 pass.
                    let target = dx + rows.lowerBound * k
                    target.update(repeating: 0, count: rows.count * k)
                    BLAS.gemm(.plain, .plain, m: rows.count, n: k, k: n, a: dy + rows.lowerBound * n, lda: n,
                              b: w, ldb: k, beta: 1, c: target, ldc: k)
                }
            }
            ComputeThreads.parallelChunks(n * k, minimumChunk: ComputeThreads.parameterChunk) { _, range in
                for part in 0..<parts {
                    Kernels.add(partials.baseAddress! + part * n * k + range.lowerBound,
                                to: dw + range.lowerBound, count: range.count)
                }
            }
        }
    }

    /// The weight gradient and input gradient, each thread taking a range of the weight's columns
    /// over the whole batch.
    private func backwardByColumns(
        batch: Int, dy: UnsafePointer<Float>, x: UnsafePointer<Float>, w: UnsafePointer<Float>,
        dw: UnsafeMutablePointer<Float>, dx: UnsafeMutablePointer<Float>?
    ) {
        let (n, k) = (outputFeatures, inputFeatures)
        ComputeThreads.parallelChunks(k, minimumChunk: 256) { _, columns in
            let c0 = columns.lowerBound
            BLAS.gemm(.transposed, .plain, m: n, n: columns.count, k: batch,
                      a: dy, lda: n, b: x + c0, ldb: k,
                      beta: 1, c: dw + c0, ldc: k)
            if let dx {
                // Zeroing first and accumulating (beta 1) is faster than OpenBLAS's own beta-0 pass.
                for row in 0..<batch { (dx + row * k + c0).update(repeating: 0, count: columns.count) }
                BLAS.gemm(.plain, .plain, m: batch, n: columns.count, k: n,
                          a: dy, lda: n, b: w + c0, ldb: k,
                          beta: 1, c: dx + c0, ldc: k)
            }
        }
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
