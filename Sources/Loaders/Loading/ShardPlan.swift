/// A streaming epoch from a given position on: one job per shard in the epoch's shard order, which
/// hands its samples on in chunks of `batchSize`; batches are formed from the chunks in order, so
/// they may span shards.
struct ShardPlan<Source: StreamingDataset>: EpochPlan where Source.Element: Collatable {
    typealias Sample = Source.Element
    let loader: StreamingDataLoader<Source>
    /// The epoch's whole shard order.
    let shards: [Int]
    /// The position the plan starts at: its shard is job 0, read again up to its sample count.
    let start: LoaderState

    private var firstShard: LoaderState.ShardPosition { start.shard ?? .init(order: 0, samples: 0) }

    var jobCount: Int { max(0, shards.count - firstShard.order) }

    /// One shard in flight per worker, holding up to `prefetch` chunks of a batch each.
    func buffering(workers: Int, prefetch: Int) -> (jobWindow: Int, itemsPerJob: Int) {
        (workers, prefetch)
    }

    func job(_ position: Int, worker: Int?) -> Job {
        let order = firstShard.order + position
        return Job(loader: loader, epoch: start.epoch, order: order, shard: shards[order],
                   skip: position == 0 ? firstShard.samples : 0, worker: worker)
    }

    func makeAssembler() -> Assembler {
        Assembler(position: start, batchSize: loader.batchSize, dropLast: loader.dropLast)
    }

    func describe(job position: Int) -> String? {
        "shard \(shards[firstShard.order + position])"
    }

    /// Consecutive samples of one shard.
    struct Chunk: Sendable {
        /// The shard's position in the epoch's shard order.
        let order: Int
        let samples: [Sample]
    }

    /// Reads one shard through its shuffle buffer, skipping the samples a resumed epoch delivered.
    struct Job: EpochJob {
        let loader: StreamingDataLoader<Source>
        let epoch: Int
        let order: Int
        let shard: Int
        let worker: Int?
        private var skip: Int
        private var reader: ShardReader<Source.Stream>?
        /// A read error, handed on after the samples read before it.
        private var failure: LoaderError?
        private var done = false

        init(loader: StreamingDataLoader<Source>, epoch: Int, order: Int, shard: Int, skip: Int, worker: Int?) {
            self.loader = loader
            self.epoch = epoch
            self.order = order
            self.shard = shard
            self.skip = skip
            self.worker = worker
        }

        mutating func next() -> Result<Chunk, LoaderError>? {
            guard !done else { return nil }
            if let failure {
                done = true
                return .failure(failure)
            }
            if reader == nil {
                do {
                    reader = try loader.openShard(shard, epoch: epoch)
                } catch {
                    done = true
                    return .failure(.loading(error, worker: worker, activity: "opening shard \(shard)", location: nil))
                }
            }
            var samples: [Sample] = []
            // A batch size larger than the shard never fills a chunk, so reserve a bounded start.
            samples.reserveCapacity(min(loader.batchSize, 1 << 12))
            do {
                while skip > 0 {
                    guard try reader!.next() != nil else {
                        done = true
                        return .failure(LoaderError(
                            .mismatch, "shard \(shard) ended after \(reader!.samplesRead) samples, and the loader state "
                                + "being resumed had delivered \(reader!.samplesRead + skip) of it: the data changed"))
                    }
                    skip -= 1
                }
                while samples.count < loader.batchSize, let sample = try reader!.next() {
                    samples.append(sample)
                }
            } catch {
                failure = .loading(
                    error, worker: worker, activity: "reading shard \(shard) after its sample \(reader!.samplesRead)", location: nil)
                return samples.isEmpty ? next() : .success(Chunk(order: order, samples: samples))
            }
            guard !samples.isEmpty else {
                done = true
                return nil
            }
            return .success(Chunk(order: order, samples: samples))
        }
    }

    /// Gathers chunks into batches of `batchSize`, and knows which shard the next sample is from.
    struct Assembler: BatchAssembler {
        private(set) var position: LoaderState
        let batchSize: Int
        let dropLast: Bool
        /// Samples received and not yet batched, from `pendingStart` on.
        private var pending: [Sample] = []
        private var pendingStart = 0
        /// The shard order of the pending samples, as (order, count) runs.
        private var runs: [(order: Int, count: Int)] = []

        init(position: LoaderState, batchSize: Int, dropLast: Bool) {
            self.position = position
            self.batchSize = batchSize
            self.dropLast = dropLast
        }

        var needsItem: Bool { pending.count - pendingStart < batchSize }

        mutating func receive(_ chunk: Chunk) {
            if pendingStart > 0 {
                pending.removeFirst(pendingStart)
                pendingStart = 0
            }
            pending += chunk.samples
            if let last = runs.last, last.order == chunk.order {
                runs[runs.count - 1].count += chunk.samples.count
            } else {
                runs.append((chunk.order, chunk.samples.count))
            }
        }

        /// Collates the next `batchSize` pending samples, or the last partial batch.
        mutating func nextBatch(itemsEnded: Bool) throws -> (batch: Sample.Collated, samples: Int)? {
            let available = pending.count - pendingStart
            guard available >= batchSize || (itemsEnded && available > 0 && !dropLast) else { return nil }
            let size = min(available, batchSize)
            let samples = Array(pending[pendingStart..<pendingStart + size])
            pendingStart += size
            let batch: Sample.Collated
            do {
                batch = try Sample.collate(samples, indices: Array(position.samples..<position.samples + size))
            } catch {
                throw LoaderError.loading(error, worker: nil, activity: "collating a batch", location: (error as? LoaderError)?.location)
            }
            advance(by: size)
            return (batch, size)
        }

        /// Moves the position past `count` samples taken from the front of the runs.
        private mutating func advance(by count: Int) {
            position.batches += 1
            position.samples += count
            var left = count
            while left > 0 {
                let taken = min(left, runs[0].count)
                let order = runs[0].order
                position.shard = .init(order: order, samples: (position.shard?.order == order ? position.shard!.samples : 0) + taken)
                left -= taken
                runs[0].count -= taken
                if runs[0].count == 0 { runs.removeFirst() }
            }
        }
    }
}
