import PlotSVGSupport
import Testing
import Training

/// `LossCurve`: a run's losses against samples seen, bounded for long runs.
@Suite struct PlotLossCurveTests {
    static func progress(epoch: Int, batch: Int, samples: Int, loss: Double) -> BatchProgress {
        BatchProgress(epoch: epoch, batch: batch, samples: samples, batchLoss: loss, runningLoss: loss, elapsedSeconds: 0)
    }

    /// Ten samples in batches of 4, 4 and 2 for three epochs: samples seen count on across epochs.
    @Test func samplesSeenCountOnAcrossEpochs() {
        var curve = LossCurve()
        var (expectedBatchSamples, expectedBatchLosses, seen) = ([Double](), [Double](), 0)
        for epoch in 1...3 {
            var (inEpoch, sum) = (0, 0.0)
            for (batch, size) in [4, 4, 2].enumerated() {
                inEpoch += size
                let loss = 1 / Double(epoch * 10 + batch)
                sum += loss * Double(size)
                curve.record(Self.progress(epoch: epoch, batch: batch + 1, samples: inEpoch, loss: loss))
                expectedBatchSamples.append(Double(seen + inEpoch))
                expectedBatchLosses.append(loss)
            }
            seen += inEpoch
            curve.record(EpochReport(epoch: epoch, trainLoss: sum / 10, test: nil, trainSeconds: 0.01, samples: inEpoch))
        }
        #expect(curve.epochSamples == [10, 20, 30])
        #expect(curve.batchSamples == expectedBatchSamples && curve.batchLosses == expectedBatchLosses)
        #expect(curve.batchesPerPoint == 1)

        var plot = LossPlot(title: "curve", xLabel: "samples seen")
        plot.addCurve(curve, name: "batch 4")
        let svg = try? PlotSVG(plot.svg)
        #expect(svg?.all("polyline", class: "series").map(\.points.count) == [3])
        #expect(svg?.all("polyline", class: "detail").map(\.points.count) == [9])
    }

    /// 10,000 batches of one sample keep fewer than `maximumBatchPoints` points, each the mean of
    /// the batches it stands for, at the samples seen after the last of them.
    @Test func longRunsKeepFewPointsThatAreMeansOfTheirBatches() {
        var curve = LossCurve()
        let losses = (0..<10_000).map { (index: Int) -> Double in
            let decay = 2 / (1 + Double(index) / 100)
            return decay + Double(index % 7) / 10
        }
        for (index, loss) in losses.enumerated() {
            curve.record(Self.progress(epoch: 1, batch: index + 1, samples: index + 1, loss: loss))
        }
        curve.record(EpochReport(epoch: 1, trainLoss: 0, test: nil, trainSeconds: 1, samples: losses.count))
        let per = curve.batchesPerPoint
        #expect(curve.batchSamples.count < LossCurve.maximumBatchPoints && curve.batchSamples.count >= LossCurve.maximumBatchPoints / 2)
        #expect(per > 1 && losses.count % per == 0)
        #expect(curve.batchSamples.count == losses.count / per)
        for point in curve.batchSamples.indices {
            let batches = losses[point * per ..< (point + 1) * per]
            #expect(curve.batchSamples[point] == Double((point + 1) * per))
            #expect(abs(curve.batchLosses[point] - batches.reduce(0, +) / Double(per)) < 1e-12)
        }
    }

    /// An epoch's last batches are drawn even when they are fewer than a point gathers.
    @Test func anEpochsLastBatchesAreKept() {
        var curve = LossCurve()
        let count = LossCurve.maximumBatchPoints + 3
        for index in 0..<count {
            curve.record(Self.progress(epoch: 1, batch: index + 1, samples: index + 1, loss: Double(index)))
        }
        curve.record(EpochReport(epoch: 1, trainLoss: 0, test: nil, trainSeconds: 1, samples: count))
        #expect(curve.batchesPerPoint == 2)
        #expect(curve.batchSamples.last == Double(count) && curve.batchLosses.last == Double(count - 1))
        #expect(curve.batchSamples.count == LossCurve.maximumBatchPoints / 2 + 2)
    }
}
