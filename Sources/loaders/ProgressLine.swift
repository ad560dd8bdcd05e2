import Foundation
import Training

/// A live progress bar on the terminal for one epoch: samples, samples/s, running loss and ETA,
/// redrawn in place on standard error at most ten times a second.
struct ProgressLine {
    let epoch: Int
    let epochs: Int
    let total: Int
    private var lastDraw = -1.0

    init(epoch: Int, epochs: Int, total: Int) {
        self.epoch = epoch
        self.epochs = epochs
        self.total = total
    }

    /// Whether standard error is a terminal (otherwise nothing is drawn).
    static let isTerminal = isatty(STDERR_FILENO) != 0

    mutating func update(_ progress: BatchProgress) {
        guard Self.isTerminal else { return }
        let done = progress.samples >= total
        guard done || progress.elapsedSeconds - lastDraw >= 0.1 else { return }
        lastDraw = progress.elapsedSeconds
        let rate = progress.elapsedSeconds > 0 ? Double(progress.samples) / progress.elapsedSeconds : 0
        let fraction = total > 0 ? min(1, Double(progress.samples) / Double(total)) : 0
        let width = 30
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let eta = rate > 0 ? Double(max(0, total - progress.samples)) / rate : 0
        let line = String(format: "epoch %d/%d %@ %d/%d  %.0f samples/s  loss %.4f  ETA %.1fs",
                          epoch, epochs, bar, progress.samples, total, rate, progress.runningLoss, eta)
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(line)".utf8))
    }

    /// Clears the bar so the epoch's summary line replaces it.
    func finish() {
        guard Self.isTerminal else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }
}
