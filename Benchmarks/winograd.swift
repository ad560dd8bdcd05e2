// Winograd's F(4×4, 3×3) against unfolding and one product per image (`Conv2d`'s other path),
// per batch of 64 images on one thread (the smallest of 20 repetitions), for a 3×3 stride-1
// convolution's three passes, built with the training core's own kernels:
//
//   swiftc -O -wmo -parse-as-library -I Sources/COpenBLAS -lopenblas Sources/Training/Kernels/Kernels.swift \
//       Sources/Training/Kernels/Im2col.swift Sources/Training/Kernels/BLAS.swift \
//       Sources/Training/Kernels/Winograd.swift Benchmarks/Fastest.swift Benchmarks/winograd.swift -o /tmp/winograd \
//       && /tmp/winograd
import Foundation

/// The largest difference between two results, relative to the largest magnitude.
func difference(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).map { abs($0 - $1) }.max()! / max(1e-30, a.map(abs).max()!)
}

@main
enum WinogradBenchmark {
    static func main() {
        let images = 64
        // (name, input channels, output channels, height and width, padding)
        let cases = [
            ("examples/mnist's conv2, 32 → 64, 26×26", 32, 64, 26, 0),
            ("32 → 32, 28×28, padding 1", 32, 32, 28, 1),
            ("16 → 32, 14×14, padding 1", 16, 32, 14, 1),
            ("8 → 16, 28×28, padding 1", 8, 16, 28, 1),
        ]
        print("pass".padding(toLength: 18, withPad: " ", startingAt: 0), "unfolded (ms)  Winograd (ms)  ratio  difference")
        for (name, inputs, outputs, size, padding) in cases {
            print(name)
            let im2col = Im2col.Geometry(channels: inputs, height: size, width: size, kernelSize: 3, stride: 1, padding: padding)
            let forward = Winograd.Geometry(inputs: inputs, outputs: outputs, height: size, width: size, padding: padding)
            let (pixels, patch, imageSize) = (im2col.outputPixels, im2col.patchSize, inputs * size * size)
            let backward = Winograd.Geometry(inputs: outputs, outputs: inputs, height: im2col.outputHeight,
                                             width: im2col.outputWidth, padding: 2 - padding)
            var generator = SystemRandomNumberGenerator()
            func random(_ count: Int, _ range: ClosedRange<Float>) -> [Float] {
                (0..<count).map { _ in Float.random(in: range, using: &generator) }
            }
            let image = random(images * imageSize, -1...1), gradient = random(images * outputs * pixels, -1...1)
            let weight = random(outputs * patch, -0.1...0.1)
            var col = [Float](repeating: 0, count: patch * pixels)
            var u = [Float](repeating: 0, count: max(forward.weightCount, backward.weightCount))
            var sums = [Float](repeating: 0, count: forward.weightCount)
            var scratch = [Float](repeating: 0, count: max(forward.scratchCount, backward.scratchCount))
            var (direct, fast) = ([Float](repeating: 0, count: images * outputs * pixels), [Float](repeating: 0, count: images * outputs * pixels))
            func report(_ pass: String, _ unfolded: Double, _ winograd: Double, _ a: [Float], _ b: [Float]) {
                print(("  " + pass).padding(toLength: 18, withPad: " ", startingAt: 0),
                      String(format: "%13.2f  %13.2f  %5.2f  %.1e", unfolded, winograd, winograd / unfolded, difference(a, b)))
            }
            image.withUnsafeBufferPointer { x in
                gradient.withUnsafeBufferPointer { dy in
                    let x = x.baseAddress!, dy = dy.baseAddress!
                    let unfolded = fastest(runs: 20) {
                        for n in 0..<images {
                            Im2col.unfold(x + n * imageSize, im2col, into: &col)
                            BLAS.gemm(.plain, .plain, m: outputs, n: pixels, k: patch, a: weight, lda: patch,
                                      b: col, ldb: pixels, beta: 0, c: &direct[n * outputs * pixels], ldc: pixels)
                        }
                    }
                    let winograd = fastest(runs: 20) {
                        Winograd.transformWeights(weight, outputs: outputs, inputs: inputs, transposed: false, into: &u)
                        for n in 0..<images {
                            Winograd.convolve(x + n * imageSize, forward, weights: u, bias: nil,
                                              into: &fast[n * outputs * pixels], scratch: &scratch)
                        }
                    }
                    report("forward", unfolded, winograd, direct, fast)

                    var (dw, fastDW) = ([Float](repeating: 0, count: outputs * patch), [Float](repeating: 0, count: outputs * patch))
                    let unfoldedWeight = fastest(runs: 20) {
                        dw.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
                        for n in 0..<images {
                            Im2col.unfold(x + n * imageSize, im2col, into: &col)
                            BLAS.gemm(.plain, .transposed, m: outputs, n: patch, k: pixels, a: dy + n * outputs * pixels, lda: pixels,
                                      b: col, ldb: pixels, beta: 1, c: &dw, ldc: patch)
                        }
                    }
                    let winogradWeight = fastest(runs: 20) {
                        fastDW.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
                        // Summed per group of eight images, as `Conv2d` does.
                        for group in 0..<images / 8 {
                            sums.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
                            for n in group * 8..<group * 8 + 8 {
                                Winograd.accumulateWeightGradient(x + n * imageSize, forward, outputGradient: dy + n * outputs * pixels,
                                                                  into: &sums, scratch: &scratch)
                            }
                            Winograd.weightGradient(from: sums, outputs: outputs, inputs: inputs, adding: &fastDW)
                        }
                    }
                    report("weight gradient", unfoldedWeight, winogradWeight, dw, fastDW)

                    var (dx, fastDX) = ([Float](repeating: 0, count: images * imageSize), [Float](repeating: 0, count: images * imageSize))
                    let folded = fastest(runs: 20) {
                        for n in 0..<images {
                            BLAS.gemm(.transposed, .plain, m: patch, n: pixels, k: outputs, a: weight, lda: patch,
                                      b: dy + n * outputs * pixels, ldb: pixels, beta: 0, c: &col, ldc: pixels)
                            dx.withUnsafeMutableBufferPointer { dx in
                                let target = dx.baseAddress! + n * imageSize
                                target.update(repeating: 0, count: imageSize)
                                Im2col.foldAdding(col, im2col, into: target)
                            }
                        }
                    }
                    let winogradInput = fastest(runs: 20) {
                        Winograd.transformWeights(weight, outputs: outputs, inputs: inputs, transposed: true, into: &u)
                        for n in 0..<images {
                            Winograd.convolve(dy + n * outputs * pixels, backward, weights: u, bias: nil,
                                              into: &fastDX[n * imageSize], scratch: &scratch)
                        }
                    }
                    report("input gradient", folded, winogradInput, dx, fastDX)
                }
            }
        }
    }
}
