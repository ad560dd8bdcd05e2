// Winograd's F(4×4, 3×3) against unfolding and one product, per batch of 64 images on one
// thread (the smallest of 30 repetitions), on the 3×3 convolutions of the networks in
// Docs/Performance.md, built with the training core's own kernels:
//
//   swiftc -O -wmo -parse-as-library -I Sources/COpenBLAS -lopenblas Sources/Training/Kernels/Kernels.swift \
//       Sources/Training/Kernels/Im2col.swift Sources/Training/Kernels/BLAS.swift \
//       Sources/Training/Kernels/Winograd.swift Benchmarks/winograd.swift -o /tmp/winograd && /tmp/winograd
import Foundation

func seconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// The smallest time of `body` over 30 runs, in milliseconds.
func fastest(_ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<30 {
        let start = seconds()
        body()
        best = min(best, seconds() - start)
    }
    return best * 1e3
}

@main
enum WinogradBenchmark {
    static func main() {
        let images = 64
        // (name, input channels, output channels, height and width, padding)
        let cases = [
            ("examples conv2 forward", 32, 64, 26, 0),
            ("64 to 32, padding 2 (its gradient)", 64, 32, 24, 2),
            ("32 to 32, padding 1", 32, 32, 28, 1),
            ("16 to 32, padding 1", 16, 32, 14, 1),
            ("8 to 16, padding 1", 8, 16, 28, 1),
        ]
        for (name, inputs, outputs, size, padding) in cases {
            let im2col = Im2col.Geometry(channels: inputs, height: size, width: size, kernelSize: 3, stride: 1, padding: padding)
            let g = Winograd.Geometry(inputs: inputs, outputs: outputs, height: size, width: size, padding: padding)
            var generator = SystemRandomNumberGenerator()
            let image = (0..<images * inputs * size * size).map { _ in Float.random(in: -1...1, using: &generator) }
            let weight = (0..<outputs * inputs * 9).map { _ in Float.random(in: -0.1...0.1, using: &generator) }
            let pixels = im2col.outputPixels
            var direct = [Float](repeating: 0, count: images * outputs * pixels)
            var fast = direct
            var col = [Float](repeating: 0, count: im2col.patchSize * pixels)
            var u = [Float](repeating: 0, count: g.weightCount)
            var scratch = [Float](repeating: 0, count: g.scratchCount)
            let unfolded = fastest {
                for n in 0..<images {
                    image.withUnsafeBufferPointer { Im2col.unfold($0.baseAddress! + n * inputs * size * size, im2col, into: &col) }
                    direct.withUnsafeMutableBufferPointer { out in
                        BLAS.gemm(.plain, .plain, m: outputs, n: pixels, k: im2col.patchSize, a: weight, lda: im2col.patchSize,
                                  b: col, ldb: pixels, beta: 0, c: out.baseAddress! + n * outputs * pixels, ldc: pixels)
                    }
                }
            }
            let winograd = fastest {
                Winograd.transformWeights(weight, outputs: outputs, inputs: inputs, transposed: false, into: &u)
                image.withUnsafeBufferPointer { x in
                    fast.withUnsafeMutableBufferPointer { out in
                        for n in 0..<images {
                            Winograd.convolve(x.baseAddress! + n * inputs * size * size, g, weights: u, bias: nil,
                                              into: out.baseAddress! + n * outputs * pixels, scratch: &scratch)
                        }
                    }
                }
            }
            let error = zip(direct, fast).map { abs($0 - $1) }.max()!
            print(name.padding(toLength: 32, withPad: " ", startingAt: 0),
                  String(format: "unfold and product %6.2f ms   Winograd %6.2f ms   (%.2f)   largest difference %.1e",
                         unfolded, winograd, winograd / unfolded, error))
        }
    }
}
