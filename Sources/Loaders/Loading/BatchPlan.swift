/// A map-style epoch from a given batch on: one job per batch of indices, read and collated by
/// whoever runs it.
struct BatchPlan<Source: Dataset>: EpochPlan where Source.Element: Collatable {
    typealias Collated = Source.Element.Collated
    let fetcher: BatchFetcher<Source>
    /// The batches left, the first being batch `start.batches` of the epoch.
    let batches: [[Int]]
    /// The position the plan starts at.
    let start: LoaderState

    var jobCount: Int { batches.count }

    /// `workers × prefetch` batches in flight, one item each.
    func buffering(workers: Int, prefetch: Int) -> (jobWindow: Int, itemsPerJob: Int) {
        (LoaderLimits.window(workers: workers, prefetch: prefetch, jobs: batches.count), 1)
    }

    func job(_ position: Int, worker: Int?) -> Job {
        Job(fetcher: fetcher, indices: batches[position], epoch: start.epoch, batch: start.batches + position, worker: worker)
    }

    func makeAssembler() -> Assembler {
        Assembler(position: start)
    }

    func describe(job position: Int) -> String? { nil }

    struct LoadedBatch: Sendable {
        let batch: Collated
        let samples: Int
    }

    struct Job: EpochJob {
        let fetcher: BatchFetcher<Source>
        let indices: [Int]
        let epoch: Int
        let batch: Int
        let worker: Int?
        private var done = false

        init(fetcher: BatchFetcher<Source>, indices: [Int], epoch: Int, batch: Int, worker: Int?) {
            self.fetcher = fetcher
            self.indices = indices
            self.epoch = epoch
            self.batch = batch
            self.worker = worker
        }

        mutating func next() -> Result<LoadedBatch, LoaderError>? {
            guard !done else { return nil }
            done = true
            return fetcher.load(indices, epoch: epoch, batch: batch, worker: worker).map { LoadedBatch(batch: $0, samples: indices.count) }
        }
    }

    /// Hands on each loaded batch as it comes.
    struct Assembler: BatchAssembler {
        private(set) var position: LoaderState
        private var pending: LoadedBatch?

        init(position: LoaderState) {
            self.position = position
        }

        var needsItem: Bool { pending == nil }

        mutating func receive(_ item: LoadedBatch) {
            pending = item
        }

        mutating func nextBatch(itemsEnded: Bool) throws -> (batch: Collated, samples: Int)? {
            guard let loaded = pending else { return nil }
            pending = nil
            position.batches += 1
            position.samples += loaded.samples
            return (loaded.batch, loaded.samples)
        }
    }
}
