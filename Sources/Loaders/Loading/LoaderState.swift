/// Where a loader is in its epochs: a small `Codable` value to save with a training checkpoint and
/// give back to `restore(_:)` to continue exactly where the run stopped.
///
/// An epoch's order is a pure function of the seed and the epoch, so a position is a few numbers:
/// the epoch, the batches and samples delivered in it and, for a streaming loader, the shard in
/// progress and how many of its samples were delivered. Resuming reads nothing the resumed run does
/// not deliver (a streaming loader reads the current shard again up to its position), and gives the
/// same batches, bit for bit, with any worker count and prefetch.
///
/// `settings` names what the state belongs to (the loader's kind, the dataset's size, the batch
/// size, the sampler and its seed): a state given to a loader whose settings differ is refused with
/// an error that lists the differences.
///
/// ```swift
/// let state = loader.state                        // after some batches
/// let data = try JSONEncoder().encode(state)      // a few hundred bytes
/// // … later, in a new process:
/// try loader.restore(JSONDecoder().decode(LoaderState.self, from: data))
/// for try await batch in loader { … }             // the rest of that epoch, then the next epochs
/// ```
public struct LoaderState: Codable, Sendable, Equatable {
    /// The layout of this value; a newer one is refused rather than misread.
    public static let currentVersion = 1

    public var version: Int
    /// The epoch in progress, counted from 1; after an epoch's last batch, the next epoch.
    public var epoch: Int
    /// Batches delivered so far in `epoch`.
    public var batches: Int
    /// Samples delivered so far in `epoch`.
    public var samples: Int
    /// For a streaming loader: the shard in progress.
    public var shard: ShardPosition?
    /// What the state belongs to: every setting the epoch's order depends on, by name.
    public var settings: [String: String]

    /// A streaming loader's place in an epoch's shard order.
    public struct ShardPosition: Codable, Sendable, Equatable {
        /// The shard's position in the epoch's shard order (not its number).
        public var order: Int
        /// The shard's samples delivered so far, in its shuffled order.
        public var samples: Int

        public init(order: Int, samples: Int) {
            self.order = order
            self.samples = samples
        }
    }

    public init(epoch: Int, batches: Int, samples: Int, shard: ShardPosition? = nil, settings: [String: String]) {
        version = Self.currentVersion
        self.epoch = epoch
        self.batches = batches
        self.samples = samples
        self.shard = shard
        self.settings = settings
    }

    /// The start of epoch `epoch`.
    static func start(of epoch: Int, settings: [String: String], streaming: Bool) -> LoaderState {
        LoaderState(epoch: epoch, batches: 0, samples: 0, shard: streaming ? ShardPosition(order: 0, samples: 0) : nil,
                    settings: settings)
    }

    /// Throws unless this state can be resumed by a loader with `settings`.
    /// - Throws: `LoaderError` `.unsupported` for a newer version, `.mismatch` naming every setting
    ///   that differs, `.malformed` for a position that cannot exist.
    func check(against settings: [String: String], streaming: Bool) throws(LoaderError) {
        guard version <= Self.currentVersion else {
            throw LoaderError(.unsupported, "the loader state has version \(version); this library reads up to \(Self.currentVersion)")
        }
        if self.settings != settings {
            let names = Set(settings.keys).union(self.settings.keys).sorted()
            let differences = names.compactMap { name -> String? in
                let here = settings[name], saved = self.settings[name]
                guard here != saved else { return nil }
                return "\(name) is \(here ?? "not set") here and \(saved ?? "not set") in the state"
            }
            throw LoaderError(.mismatch, "the loader state belongs to another loader: \(differences.joined(separator: "; "))")
        }
        guard epoch >= 1, batches >= 0, samples >= 0, (shard != nil) == streaming,
              shard.map({ $0.order >= 0 && $0.samples >= 0 }) ?? true
        else {
            throw LoaderError(.malformed, "the loader state's position cannot exist: epoch \(epoch), \(batches) batches, "
                + "\(samples) samples\(shard.map { ", shard order \($0.order) at sample \($0.samples)" } ?? "")")
        }
    }
}

/// A 64-bit FNV-1a digest of integers: lets a sampler's settings name a list of indices or weights
/// in a few characters.
func settingsDigest<Values: Sequence>(_ values: Values) -> String where Values.Element: FixedWidthInteger {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for value in values {
        var bits = UInt64(truncatingIfNeeded: value)
        for _ in 0..<8 {
            hash = (hash ^ (bits & 0xFF)) &* 0x100_0000_01B3
            bits >>= 8
        }
    }
    return String(hash, radix: 16)
}
