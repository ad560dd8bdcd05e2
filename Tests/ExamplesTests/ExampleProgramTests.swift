import Foundation
import Testing

/// Each example program, run as a user runs it, learns what its seed program learns.
@Suite struct ExampleProgramTests {
    /// linear-regression: every batch size recovers the slope of y = -5x + noise within 0.1 and an
    /// intercept near 0, and the plot holds the title and one series per batch size.
    @Test func linearRegressionRecoversTheSlope() async throws {
        let directory = try ExamplePrograms.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let plot = directory.appendingPathComponent("compare.svg").path
        let outcome = try await ExamplePrograms.run("linear-regression", ["--epochs", "30", "--plot", plot])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let fits = try ExamplePrograms.matches(#"^batch +(\d+): y = (\S+) x (\S+),"#, in: outcome.standardOutput)
        #expect(fits.map { $0[0] } == ["1", "10", "20"], "\(outcome.standardOutput)")
        for fit in fits {
            let (slope, intercept) = (try #require(Double(fit[1])), try #require(Double(fit[2])))
            #expect(abs(slope + 5) < 0.1, "batch \(fit[0])")
            #expect(abs(intercept) < 0.2, "batch \(fit[0])")
        }
        let svg = try String(contentsOfFile: plot, encoding: .utf8)
        #expect(svg.contains("loss of stochastic vs mini-batch 10 vs mini-batch 20"))
        for name in ["batch 1", "batch 10", "batch 20"] {
            #expect(svg.contains(">\(name)<"), "\(name)")
        }
    }

    /// wine-mlp: 5 batches per epoch (142 training rows in 32s), each epoch's average the batches'
    /// losses weighted by their sizes, the loss falling, and at least 90% of the 36 held-out rows right.
    @Test func wineMLPClassifiesTheHeldOutRows() async throws {
        let wine = ExamplePrograms.root.appendingPathComponent("Fixtures/wine.csv").path
        let outcome = try await ExamplePrograms.run("wine-mlp", ["--data", wine, "--epochs", "150"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let text = outcome.standardOutput
        let batches = try ExamplePrograms.matches(#"^epoch (\d+)/150, batch (\d+)/5: loss (\S+)$"#, in: text)
        let averages = try ExamplePrograms.matches(#"^epoch (\d+)/150: average loss (\S+)$"#, in: text)
        #expect(batches.count == 750)
        #expect(averages.map { Int($0[0])! } == Array(1...150))
        for (epoch, average) in averages.enumerated() {
            let losses = batches[(5 * epoch)..<(5 * epoch + 5)].map { Double($0[2])! }
            let weighted = zip(losses, [32.0, 32, 32, 32, 14]).reduce(0) { $0 + $1.0 * $1.1 } / 142
            #expect(abs(weighted - Double(average[1])!) < 1e-3, "epoch \(epoch + 1)")
        }
        #expect(Double(averages.last![1])! < Double(averages.first![1])! / 4)
        let accuracy = try #require(try ExamplePrograms.matches(#"^held-out accuracy: (\d+)/(\d+) "#, in: text).first)
        #expect(accuracy[1] == "36")
        #expect(Double(accuracy[0])! / 36 >= 0.9, "\(accuracy)")
    }

    /// mnist-cnn on the first 3,000 training images, one epoch: well past chance (10%) on the first
    /// 1,000 test images.
    @Test func mnistCNNLearnsDigits() async throws {
        let mnist = ExamplePrograms.root.appendingPathComponent("Fixtures/mnist").path
        let outcome = try await ExamplePrograms.run(
            "mnist-cnn", ["--data", mnist, "--subset", "3000", "--test-subset", "1000"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let progress = try ExamplePrograms.matches(#"^epoch 1, batch (\d+)/47: mean loss so far (\S+)$"#, in: outcome.standardOutput)
        #expect(progress.map { $0[0] } == ["47"], "\(outcome.standardOutput)")
        let result = try #require(try ExamplePrograms.matches(
            #"^epoch 1: training loss (\S+), test accuracy (\d+)/(\d+) "#, in: outcome.standardOutput).first)
        #expect(result[2] == "1000")
        #expect(Double(result[1])! / 1000 >= 0.8, "\(result)")
        #expect(Double(result[0])! < 1.0)
    }
}
