import Synchronization

/// What a loader keeps across its epochs: the next epoch to run, a restored position to start it
/// from, the position of the epoch read most recently, and the statistics.
final class LoaderProgress: Sendable {
    let recorder = StatisticsRecorder()
    private let positions: Mutex<Positions>

    private struct Positions {
        var nextEpoch = 1
        /// A restored position, taken by the next epoch started by iterating the loader.
        var resume: LoaderState?
        /// The position after the latest batch delivered, or after a restore.
        var latest: LoaderState?
    }

    init() {
        positions = Mutex(Positions())
    }

    /// Where the next epoch started by iterating the loader begins: a restored position, once,
    /// or the start of the next epoch.
    func takeNextStart(settings: [String: String], streaming: Bool) -> LoaderState {
        positions.withLock { positions in
            if let resume = positions.resume {
                positions.resume = nil
                positions.nextEpoch = resume.epoch + 1
                return resume
            }
            defer { positions.nextEpoch += 1 }
            return .start(of: positions.nextEpoch, settings: settings, streaming: streaming)
        }
    }

    /// Makes the next epoch started by iterating continue from `state`.
    func restore(_ state: LoaderState) {
        positions.withLock { positions in
            positions.resume = state
            positions.latest = state
        }
    }

    func record(_ state: LoaderState) {
        positions.withLock { $0.latest = state }
    }

    /// The latest position, or the start of the next epoch when no batch was delivered yet.
    func state(settings: [String: String], streaming: Bool) -> LoaderState {
        positions.withLock { positions in
            positions.latest ?? .start(of: positions.nextEpoch, settings: settings, streaming: streaming)
        }
    }
}
