import Loaders

/// A 2-D convolution over `[batch, channels, height, width]` inputs, like PyTorch's `nn.Conv2d`
/// with square kernels, zero padding, and a bias.
///
/// Each image is unfolded into columns (im2col) and multiplied by the `[out, in·k·k]` weight
/// matrix, or, for a 3×3 stride-1 kernel over 32 channels or more, convolved by Winograd's
/// F(4×4, 3×3) with a quarter of the multiplications (`Winograd`); images are shared out across
/// `ComputeThreads` as the threads come free. Inside a `Sequential`, a following `ReLU` and
/// `MaxPool2d` are fused into the output pass (applied to each image while it is in cache) and
/// their gradients into the backward pass.
///
/// ```swift
/// let conv = Conv2d(inputChannels: 1, outputChannels: 32, kernelSize: 3, seed: 0)
/// let y = conv.forward(images)   // [64, 1, 28, 28] -> [64, 32, 26, 26]
/// ```
public final class Conv2d: Layer {
    public let inputChannels: Int
    public let outputChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    /// `[outputChannels, inputChannels, kernelSize, kernelSize]`.
    public let weight: Parameter
    /// `[outputChannels]`.
    public let bias: Parameter
    public var isTraining = true
    public var computesInputGradient = true
    /// Applies max(0, ·) to the output and masks the gradient accordingly (set by `Sequential`).
    var fusesReLU = false

    private var output = Tensor<Float>.empty
    private var inputGradient = Tensor<Float>.empty
    private var savedInput: Tensor<Float>?
    private var scratch: [Float] = []
    /// The weight and bias gradients of each group of images in the latest backward pass.
    private var partials: [Float] = []
    /// A following `MaxPool2d` applied to each image's output while it is in cache (set by
    /// `Sequential`): the layer's output is then the pooled one, and the full output is never stored.
    private(set) var pool: MaxPool2d?
    /// With pooling fused, each pooled element's maximum as an index into its image's full output.
    private var argmax: [Int32] = []
    /// The weights carried into Winograd's space for the latest pass that uses it, and each
    /// thread's scratch for it.
    private var winogradWeights: [Float] = []
    private var winogradScratch: [Float] = []

    /// A convolution with PyTorch's default initialisation drawn from `generator`.
    /// - Precondition: every size is positive (padding may be zero).
    public init(
        inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
        generator: inout SeededGenerator
    ) {
        require(inputChannels > 0 && outputChannels > 0 && kernelSize > 0 && stride > 0 && padding >= 0,
                "Conv2d sizes must be positive (padding non-negative), got \(inputChannels) in, \(outputChannels) out, "
                + "kernel \(kernelSize), stride \(stride), padding \(padding)")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        let fanIn = inputChannels * kernelSize * kernelSize
        weight = Parameter(
            name: "weight",
            value: Initialization.uniform(shape: [outputChannels, inputChannels, kernelSize, kernelSize],
                                          fanIn: fanIn, using: &generator))
        bias = Parameter(name: "bias", value: Initialization.uniform(shape: [outputChannels], fanIn: fanIn, using: &generator))
    }

    /// A convolution initialised from `seed`.
    public convenience init(
        inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0, seed: UInt64 = 0
    ) {
        var generator = SeededGenerator(seed: seed)
        self.init(inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize,
                  stride: stride, padding: padding, generator: &generator)
    }

    public var parameters: [Parameter] { [weight, bias] }

    private func geometry(of input: Tensor<Float>) -> Im2col.Geometry {
        require(input.rank == 4 && input.shape[1] == inputChannels,
                     "Conv2d expects [batch, \(inputChannels), height, width], got \(input.shape)")
        let g = Im2col.Geometry(channels: inputChannels, height: input.shape[2], width: input.shape[3],
                                kernelSize: kernelSize, stride: stride, padding: padding)
        require(g.outputHeight > 0 && g.outputWidth > 0, "Conv2d kernel larger than padded input \(input.shape)")
        return g
    }

    /// Per-thread scratch: columns, masked gradient, column gradient, and a group of produced
    /// output gradients.
    private func scratchStride(_ g: Im2col.Geometry) -> Int {
        2 * g.patchSize * g.outputPixels + outputChannels * g.outputPixels * (1 + Self.group)
    }

    /// The Winograd geometry of the forward pass (and of the weight gradient, which cuts the image
    /// the same way), when it computes a 3×3 stride-1 convolution faster than unfolding: with
    /// enough input channels to sum over (`Benchmarks/winograd.swift`).
    private func winogradForward(_ g: Im2col.Geometry) -> Winograd.Geometry? {
        guard kernelSize == 3 && stride == 1 && inputChannels >= Self.winogradChannels else { return nil }
        return Winograd.Geometry(inputs: inputChannels, outputs: outputChannels, height: g.height, width: g.width, padding: padding)
    }

    /// The Winograd geometry of the input gradient (the output gradient convolved with the turned
    /// filters), when that is faster: with enough output channels to sum over.
    private func winogradBackward(_ g: Im2col.Geometry) -> Winograd.Geometry? {
        guard kernelSize == 3 && stride == 1 && padding <= 2 && outputChannels >= Self.winogradChannels else { return nil }
        return Winograd.Geometry(inputs: outputChannels, outputs: inputChannels,
                                 height: g.outputHeight, width: g.outputWidth, padding: 2 - padding)
    }

    /// The fewest channels summed over for which Winograd measured faster than unfolding
    /// (`Benchmarks/winograd.swift`: 0.41-0.58 of the time at 32 channels, 0.87-1.05 at 8 and 16).
    static let winogradChannels = 32

    /// Sizes the transformed weights and each of `parts` threads' Winograd scratch for the
    /// geometries used, with `reserved` floats ahead of the work space, and returns the scratch stride.
    private func prepareWinograd(
        _ first: Winograd.Geometry?, _ second: Winograd.Geometry? = nil, reserving reserved: Int = 0, parts: Int
    ) -> Int {
        guard first != nil || second != nil else { return 0 }
        let weights = max(first?.weightCount ?? 0, second?.weightCount ?? 0)
        let stride = reserved + max(first?.scratchCount ?? 0, second?.scratchCount ?? 0)
        if winogradWeights.count < weights { winogradWeights = [Float](repeating: 0, count: weights) }
        if winogradScratch.count < parts * stride { winogradScratch = [Float](repeating: 0, count: parts * stride) }
        return stride
    }

    /// Each image's output size: its channels times the (pooled, if pooling is fused) plane.
    private func outputShape(_ g: Im2col.Geometry) -> [Int] {
        let plane = pool?.outputSize(height: g.outputHeight, width: g.outputWidth) ?? (height: g.outputHeight, width: g.outputWidth)
        return [outputChannels, plane.height, plane.width]
    }

    public func forward(_ input: Tensor<Float>) -> Tensor<Float> {
        let g = geometry(of: input)
        let batch = input.shape[0]
        let (channels, pixels, patch) = (outputChannels, g.outputPixels, g.patchSize)
        let shape = outputShape(g)
        let imageOutput = shape.reduce(1, *)
        output.reuse(shape: [batch] + shape)
        let pool = pool
        if pool != nil && argmax.count != output.count { argmax = [Int32](repeating: 0, count: output.count) }
        let parts = ComputeThreads.partCount(batch)
        let stride = scratchStride(g)
        if scratch.count < parts * stride { scratch = [Float](repeating: 0, count: parts * stride) }
        let relu = fusesReLU
        let unpooledOffset = g.patchSize * g.outputPixels
        let winograd = winogradForward(g)
        let winogradStride = prepareWinograd(winograd, parts: parts)
        if winograd != nil {
            weight.value.scalars.withUnsafeBufferPointer { w in
                Winograd.transformWeights(w.baseAddress!, outputs: outputChannels, inputs: inputChannels, transposed: false,
                                          into: &winogradWeights)
            }
        }
        input.scalars.withUnsafeBufferPointer { x in
            weight.value.scalars.withUnsafeBufferPointer { w in
                bias.value.scalars.withUnsafeBufferPointer { bias in
                    scratch.withUnsafeMutableBufferPointer { scratch in
                        output.scalars.withUnsafeMutableBufferPointer { y in
                            argmax.withUnsafeMutableBufferPointer { arg in
                              winogradWeights.withUnsafeBufferPointer { transformed in
                                winogradScratch.withUnsafeMutableBufferPointer { winogradScratch in
                                ComputeThreads.parallelTasks(batch) { part, image in
                                    let col = scratch.baseAddress! + part * stride
                                    // With pooling, the full output lives only in this thread's scratch.
                                    let out = pool == nil ? y.baseAddress! + image * imageOutput : col + unpooledOffset
                                    let source = x.baseAddress! + image * g.channels * g.height * g.width
                                    if let winograd {
                                        Winograd.convolve(source, winograd, weights: transformed.baseAddress!, bias: bias.baseAddress!,
                                                          into: out, scratch: winogradScratch.baseAddress! + part * winogradStride)
                                    } else {
                                        Im2col.unfold(source, g, into: col)
                                        // Starting from the bias (beta 1) spares OpenBLAS a zeroing pass.
                                        Kernels.fillRows(out, with: bias.baseAddress!, rows: channels, columns: pixels)
                                        BLAS.gemm(.plain, .plain, m: channels, n: pixels, k: patch,
                                                  a: w.baseAddress!, lda: patch, b: col, ldb: pixels,
                                                  beta: 1, c: out, ldc: pixels)
                                    }
                                    if relu { Kernels.rectify(out, count: channels * pixels) }
                                    pool?.pool(out, planes: channels, height: g.outputHeight, width: g.outputWidth, offset: 0,
                                               into: y.baseAddress! + image * imageOutput, arg.baseAddress! + image * imageOutput)
                                }
                                }
                              }
                            }
                        }
                    }
                }
            }
        }
        savedInput = isTraining ? input : nil
        return output
    }

    public func backward(_ outputGradient: Tensor<Float>) -> Tensor<Float> {
        require(outputGradient.shape == output.shape, "Conv2d gradient \(outputGradient.shape) for output \(output.shape)")
        return outputGradient.scalars.withUnsafeBufferPointer { dy in
            backward(from: .stored(dy.baseAddress!))
        }
    }

    /// Images per backward task, and per call of a `.produced` gradient source: 8 × 32 × 26 × 26
    /// floats is 692 KB, within a core's L2 cache. Each group keeps its own weight-gradient sum,
    /// added up in group order, so the result does not depend on which thread ran which group.
    static let group = 8

    /// The backward pass reading the output gradient from `source`; a produced gradient is
    /// asked for one group of images at a time.
    func backward(from source: GradientSource) -> Tensor<Float> {
        guard let input = savedInput else { preconditionFailure("Conv2d.backward needs a training-mode forward first") }
        let g = geometry(of: input)
        let batch = input.shape[0]
        let (channels, pixels, patch) = (outputChannels, g.outputPixels, g.patchSize)
        let imageSize = g.channels * g.height * g.width
        let wantsInput = computesInputGradient
        if wantsInput { inputGradient.reuse(shape: input.shape) }
        let groups = (batch + Self.group - 1) / Self.group
        let parts = ComputeThreads.partCount(groups)
        let stride = scratchStride(g)
        if scratch.count < parts * stride { scratch = [Float](repeating: 0, count: parts * stride) }
        let partialStride = channels * patch + channels
        if partials.count < groups * partialStride { partials = [Float](repeating: 0, count: groups * partialStride) }
        let relu = fusesReLU
        let pooled = pool != nil
        let imageOutput = outputShape(g).reduce(1, *)
        // Offsets inside one thread's scratch.
        let gradOffset = patch * pixels, dcolOffset = gradOffset + channels * pixels
        let producedOffset = dcolOffset + patch * pixels
        let winograd = wantsInput ? winogradBackward(g) : nil
        // Each thread's scratch starts with its group's weight-gradient sums in Winograd's space.
        let weightWinograd = winogradForward(g)
        let sumsCount = weightWinograd?.weightCount ?? 0
        let winogradStride = prepareWinograd(winograd, weightWinograd, reserving: sumsCount, parts: parts)
        if winograd != nil {
            weight.value.scalars.withUnsafeBufferPointer { w in
                Winograd.transformWeights(w.baseAddress!, outputs: outputChannels, inputs: inputChannels, transposed: true,
                                          into: &winogradWeights)
            }
        }
        input.scalars.withUnsafeBufferPointer { x in
            output.scalars.withUnsafeBufferPointer { y in
                weight.value.scalars.withUnsafeBufferPointer { w in
                    scratch.withUnsafeMutableBufferPointer { scratch in
                        partials.withUnsafeMutableBufferPointer { partials in
                            argmax.withUnsafeBufferPointer { arg in
                              inputGradient.scalars.withUnsafeMutableBufferPointer { dx in
                                winogradWeights.withUnsafeBufferPointer { transformed in
                                  winogradScratch.withUnsafeMutableBufferPointer { winogradScratch in
                                  ComputeThreads.parallelTasks(groups) { part, task in
                                      let base = scratch.baseAddress! + part * stride
                                      let col = base, dcol = base + dcolOffset, masked = base + gradOffset
                                      let produced = base + producedOffset
                                      let dw = partials.baseAddress! + task * partialStride, db = dw + channels * patch
                                      dw.update(repeating: 0, count: partialStride)
                                      let winogradBase = winogradStride > 0 ? winogradScratch.baseAddress! + part * winogradStride : nil
                                      let sums = weightWinograd == nil ? nil : winogradBase
                                      let winogradWork = winogradBase.map { $0 + sumsCount }
                                      sums?.update(repeating: 0, count: sumsCount)
                                      let members = task * Self.group..<min(batch, (task + 1) * Self.group)
                                      if case .produced(let produce) = source { produce(members, produced) }
                                      for image in members {
                                          // The gradient with respect to this image's output; a produced one is
                                          // this thread's own, to mask in place.
                                          let given: UnsafeMutablePointer<Float>?
                                          let outputGradient: UnsafePointer<Float>
                                          switch source {
                                          case .stored(let dy):
                                              given = nil
                                              outputGradient = dy + image * imageOutput
                                          case .produced:
                                              given = produced + (image - members.lowerBound) * imageOutput
                                              outputGradient = UnsafePointer(given!)
                                          }
                                          var grad: UnsafePointer<Float>
                                          if pooled {
                                              // Each pooled gradient goes to its window's maximum, through the
                                              // rectifier where the maximum is positive (the pooled value is it).
                                              let values = y.baseAddress! + image * imageOutput
                                              let indices = arg.baseAddress! + image * imageOutput
                                              masked.update(repeating: 0, count: channels * pixels)
                                              for o in 0..<imageOutput where !relu || values[o] > 0 {
                                                  masked[Int(indices[o])] += outputGradient[o]
                                              }
                                              grad = UnsafePointer(masked)
                                              Kernels.addRowSums(grad, rows: channels, columns: pixels, to: db)
                                          } else if let own = given, relu {
                                              // Mask and bias-gradient sums in one pass over the cached rows.
                                              let activation = y.baseAddress! + image * imageOutput
                                              for c in 0..<channels {
                                                  db[c] += Kernels.maskPositiveSumming(own + c * pixels, by: activation + c * pixels, count: pixels)
                                              }
                                              grad = outputGradient
                                          } else {
                                              grad = outputGradient
                                              if relu {
                                                  let activation = y.baseAddress! + image * imageOutput
                                                  Kernels.maskPositive(grad, by: activation, count: channels * pixels, into: masked)
                                                  grad = UnsafePointer(masked)
                                              }
                                              Kernels.addRowSums(grad, rows: channels, columns: pixels, to: db)
                                          }
                                          let source = x.baseAddress! + image * imageSize
                                          if let weightWinograd {
                                              Winograd.accumulateWeightGradient(source, weightWinograd, outputGradient: grad,
                                                                                into: sums!, scratch: winogradWork!)
                                          } else {
                                              Im2col.unfold(source, g, into: col)
                                              BLAS.gemm(.plain, .transposed, m: channels, n: patch, k: pixels,
                                                        a: grad, lda: pixels, b: col, ldb: pixels, beta: 1, c: dw, ldc: patch)
                                          }
                                          if wantsInput {
                                              let target = dx.baseAddress! + image * imageSize
                                              if let winograd {
                                                  Winograd.convolve(grad, winograd, weights: transformed.baseAddress!, bias: nil, into: target,
                                                                    scratch: winogradWork!)
                                              } else {
                                                  BLAS.gemm(.transposed, .plain, m: patch, n: pixels, k: channels,
                                                            a: w.baseAddress!, lda: patch, b: grad, ldb: pixels,
                                                            beta: 0, c: dcol, ldc: pixels)
                                                  target.update(repeating: 0, count: imageSize)
                                                  Im2col.foldAdding(dcol, g, into: target)
                                              }
                                          }
                                      }
                                      if let sums {
                                          Winograd.weightGradient(from: sums, outputs: channels, inputs: inputChannels, adding: dw)
                                      }
                                  }
                                  }
                                }
                              }
                            }
                        }
                    }
                }
            }
        }
        let sums = partials
        weight.gradient.scalars.withUnsafeMutableBufferPointer { dw in
            bias.gradient.scalars.withUnsafeMutableBufferPointer { db in
                sums.withUnsafeBufferPointer { sums in
                    for task in 0..<groups {
                        let base = sums.baseAddress! + task * partialStride
                        Kernels.add(base, to: dw.baseAddress!, count: channels * patch)
                        Kernels.add(base + channels * patch, to: db.baseAddress!, count: channels)
                    }
                }
            }
        }
        savedInput = nil
        return wantsInput ? inputGradient : .empty
    }
}

extension Conv2d: FusingLayer {
    /// A `ReLU`, then a `MaxPool2d`.
    func absorb(_ next: any Layer) -> Bool {
        if next is ReLU && !fusesReLU && pool == nil {
            fusesReLU = true
            return true
        }
        if let next = next as? MaxPool2d, pool == nil {
            pool = next
            return true
        }
        return false
    }
}

extension Conv2d: GradientConsumer {}
