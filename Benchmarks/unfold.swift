// im2col's unfold and fold on the convolutions of the networks in Docs/Performance.md, per batch
// of 64 images (the smallest of 60 repetitions), built with the training core's own kernels:
//
//   swiftc -O -wmo -parse-as-library Sources/Training/Kernels/Kernels.swift Sources/Training/Kernels/Im2col.swift \
//       Benchmarks/Fastest.swift Benchmarks/unfold.swift -o /tmp/unfold && /tmp/unfold
import Foundation

@main
enum UnfoldBenchmark {
    static func main() {
        let images = 64
        let cases: [(String, Im2col.Geometry)] = [
            ("seed CNN conv", .init(channels: 1, height: 28, width: 28, kernelSize: 3, stride: 1, padding: 0)),
            ("examples net conv2", .init(channels: 32, height: 26, width: 26, kernelSize: 3, stride: 1, padding: 0)),
            ("LeNet-5 conv1 (padding 2)", .init(channels: 1, height: 28, width: 28, kernelSize: 5, stride: 1, padding: 2)),
            ("LeNet-5 conv2", .init(channels: 6, height: 14, width: 14, kernelSize: 5, stride: 1, padding: 0)),
    ("3x3 padding 1, 32 channels", .init(channels: 32, height: 14, width: 14, kernelSize: 3, stride: 1, padding: 1)),
        ]
        for (name, g) in cases {
            let imageSize = g.channels * g.height * g.width
            let input = UnsafeMutablePointer<Float>.allocate(capacity: imageSize * images)
            for i in 0..<imageSize * images { input[i] = Float(i % 13) }
            let col = UnsafeMutablePointer<Float>.allocate(capacity: g.patchSize * g.outputPixels)
            let unfold = fastest(runs: 60) { for image in 0..<images { Im2col.unfold(input + image * imageSize, g, into: col) } }
            let fold = fastest(runs: 60) { for image in 0..<images { Im2col.foldAdding(col, g, into: input + image * imageSize) } }
            print(name.padding(toLength: 28, withPad: " ", startingAt: 0), String(format: "unfold %.3f ms  fold %.3f ms", unfold, fold))
        }
    }
}
