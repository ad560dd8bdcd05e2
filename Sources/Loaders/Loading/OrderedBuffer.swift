/// The bookkeeping of a bounded, in-order hand-off from parallel producers to one consumer.
///
/// Work is split into numbered jobs (a batch, or a shard of a stream). Producers claim jobs in
/// order and append the items each job yields to that job's channel; the consumer drains channel 0,
/// then channel 1, and so on, so items arrive in job order whatever order the producers finish in.
/// Memory stays bounded: a job may be claimed only within `jobWindow` of the consumer's current
/// job, and a channel holds at most `channelCapacity` items before its producer must wait.
///
/// A pure value with no locking: `WorkerPool` keeps it inside a `Mutex`.
struct OrderedBuffer<Item> {
    /// The number of jobs in all.
    let jobCount: Int
    /// How many jobs, counting the consumer's current one, may be claimed at once.
    let jobWindow: Int
    /// How many undelivered items one job may hold.
    let channelCapacity: Int

    /// The next job a producer will claim.
    private(set) var nextJob = 0
    /// The job whose items the consumer is taking.
    private(set) var currentJob = 0
    /// The first job that failed; no job after it is claimed.
    private(set) var failedJob: Int?
    private var channels: [Int: Channel] = [:]

    private struct Channel {
        var items: [Item] = []
        var head = 0
        var finished = false
        var count: Int { items.count - head }
    }

    init(jobCount: Int, jobWindow: Int, channelCapacity: Int) {
        precondition(jobWindow >= 1 && channelCapacity >= 1, "OrderedBuffer bounds must be positive")
        self.jobCount = jobCount
        self.jobWindow = jobWindow
        self.channelCapacity = channelCapacity
    }

    /// Jobs claimed but not yet fully taken by the consumer.
    var jobsInFlight: Int { nextJob - currentJob }

    /// Whether every job has been claimed, or claiming has stopped at a failed job.
    var claimingIsOver: Bool {
        nextJob >= jobCount || failedJob.map { nextJob > $0 } == true
    }

    /// Claims the next job for a producer, or `nil` when none may be claimed now.
    mutating func claim() -> Int? {
        guard !claimingIsOver, nextJob < currentJob + jobWindow else { return nil }
        defer { nextJob += 1 }
        channels[nextJob] = Channel()
        return nextJob
    }

    /// Whether `job`'s channel has room for another item.
    func hasRoom(in job: Int) -> Bool {
        (channels[job]?.count ?? 0) < channelCapacity
    }

    /// Appends an item to `job`'s channel.
    /// - Precondition: the job was claimed and has room.
    mutating func append(_ item: Item, to job: Int) {
        precondition(hasRoom(in: job), "OrderedBuffer channel \(job) is full")
        channels[job]?.items.append(item)
    }

    /// Marks `job` as having yielded all its items; `failed` stops claiming jobs after it.
    mutating func finish(_ job: Int, failed: Bool) {
        channels[job]?.finished = true
        if failed { failedJob = min(failedJob ?? job, job) }
    }

    /// Whether `take()` would return `.wait` without changing anything.
    ///
    /// A finished current job counts as ready: `take()` must run to move past it, because moving
    /// on frees a window slot that a sleeping producer may be waiting for.
    var mustWait: Bool {
        guard currentJob < jobCount else { return false }
        guard let channel = channels[currentJob] else { return true }
        return channel.count == 0 && !channel.finished
    }

    enum Next {
        case item(Item)
        case wait
        case end
    }

    /// Takes the consumer's next item in order, reports that it must wait, or that all jobs are done.
    mutating func take() -> Next {
        while currentJob < jobCount {
            guard var channel = channels[currentJob] else { return .wait }
            if channel.count > 0 {
                let item = channel.items[channel.head]
                channel.head += 1
                if channel.head == channel.items.count {
                    channel.items.removeAll(keepingCapacity: true)
                    channel.head = 0
                }
                channels[currentJob] = channel
                // Move on as soon as a finished job is drained, so its window slot frees at once.
                if channel.count == 0 && channel.finished && failedJob != currentJob {
                    channels[currentJob] = nil
                    currentJob += 1
                }
                return .item(item)
            }
            guard channel.finished else { return .wait }
            channels[currentJob] = nil
            if failedJob == currentJob { return .end }
            currentJob += 1
        }
        return .end
    }
}
