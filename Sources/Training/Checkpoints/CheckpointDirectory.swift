import Foundation
import Loaders

/// A folder of checkpoints, `checkpoint-<global step>.ckpt`, of which a save keeps the newest few.
///
/// Each checkpoint is written atomically, so a run killed while saving leaves the earlier ones
/// whole (and at most a hidden temporary file, which readers ignore and the next save removes).
/// `newestGood()` finds the checkpoint to resume from and says why it passed over newer ones.
///
/// ```swift
/// let checkpoints = CheckpointDirectory("run/checkpoints", keep: 3)
/// try checkpoints.save(trainer.checkpoint(completedEpochs: reports, loaderState: state))
/// let search = try checkpoints.newestGood()
/// if let checkpoint = search.checkpoint { print(search.report); try trainer.restore(from: checkpoint) }
/// ```
public struct CheckpointDirectory: Sendable {
    /// The folder.
    public let path: String
    /// How many checkpoints a save keeps, the newest.
    public let keep: Int

    static let prefix = "checkpoint-"
    static let fileExtension = ".ckpt"

    /// - Parameters:
    ///   - path: the folder; `save` creates it when missing.
    ///   - keep: how many of the newest checkpoints a save keeps, at least 1.
    public init(_ path: String, keep: Int = 3) {
        require(keep >= 1, "a checkpoint directory keeps at least 1 checkpoint, got \(keep)")
        self.path = path
        self.keep = keep
    }

    /// What `newestGood()` found.
    public struct Search: Sendable {
        /// A newer checkpoint that did not read, and why.
        public struct Skipped: Sendable {
            public var path: String
            public var error: LoaderError
        }

        /// The newest checkpoint that reads (its `path` names the file); nil when none does.
        public var checkpoint: TrainingCheckpoint?
        /// The newer checkpoints passed over, newest first.
        public var skipped: [Skipped]

        /// One line for a person: `checkpoint-000300.ckpt is damaged (byte 2634: …); resuming from checkpoint-000200.ckpt`.
        public var report: String {
            let passed = skipped.map { skipped in
                let place = skipped.error.location.map { "\($0): " } ?? ""
                let state = skipped.error.code == .io ? "cannot be read" : "is damaged"
                return "\(Self.name(skipped.path)) \(state) (\(place)\(skipped.error.message))"
            }
            let outcome = checkpoint?.path.map { "resuming from \(Self.name($0))" } ?? "no checkpoint to resume from"
            return (passed + [outcome]).joined(separator: "; ")
        }

        private static func name(_ path: String) -> String { (path as NSString).lastPathComponent }
    }

    /// Writes `checkpoint` as `checkpoint-<global step>.ckpt` (zero-padded to 6 digits), then
    /// removes all but the newest `keep` checkpoints, any of later steps than this one (training
    /// went back to before them, so they belong to a run that no longer goes on), and temporary
    /// files a killed save left.
    /// - Returns: the path written.
    /// - Throws: `LoaderError(.io)` naming the folder or the file when either cannot be written;
    ///   the earlier checkpoints are then untouched.
    @discardableResult
    public func save(_ checkpoint: TrainingCheckpoint) throws -> String {
        require(checkpoint.globalStep >= 0, "a checkpoint's global step cannot be negative, got \(checkpoint.globalStep)")
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw LoaderError(.io, "cannot create the checkpoint folder", path: path, underlying: error)
        }
        let file = (path as NSString).appendingPathComponent(Self.prefix + String(format: "%06d", checkpoint.globalStep) + Self.fileExtension)
        try checkpoint.write(to: file)
        let names = try contents()
        let steps = names.compactMap(Self.step(ofFileNamed:)).filter { $0 <= checkpoint.globalStep }.sorted(by: >)
        let kept = Set(steps.prefix(keep))
        for name in names {
            let stale = if let step = Self.step(ofFileNamed: name) {
                !kept.contains(step)
            } else {
                AtomicFile.target(ofTemporaryNamed: name).flatMap(Self.step(ofFileNamed:)) != nil
            }
            // Best effort: a file that cannot be removed now is removed by a later save.
            if stale { try? FileManager.default.removeItem(atPath: (path as NSString).appendingPathComponent(name)) }
        }
        return file
    }

    /// The checkpoint files, newest (highest step) first; temporary files are not among them.
    /// - Throws: `LoaderError(.io)` when the folder cannot be listed; a missing folder has none.
    public func files() throws -> [String] {
        try contents()
            .compactMap { name in Self.step(ofFileNamed: name).map { (step: $0, name: name) } }
            .sorted { ($0.step, $0.name) > ($1.step, $1.name) }
            .map { (path as NSString).appendingPathComponent($0.name) }
    }

    /// The newest checkpoint that reads, and each newer one that did not with its error.
    /// - Throws: `LoaderError(.io)` when the folder cannot be listed.
    /// - Complexity: reads checkpoints from the newest until one reads.
    public func newestGood() throws -> Search {
        var skipped: [Search.Skipped] = []
        for file in try files() {
            do {
                return Search(checkpoint: try TrainingCheckpoint(contentsOf: file), skipped: skipped)
            } catch let error as LoaderError {
                skipped.append(.init(path: file, error: error))
            }
        }
        return Search(checkpoint: nil, skipped: skipped)
    }

    /// The step in `name` when it is a checkpoint's name, `checkpoint-<digits>.ckpt`.
    static func step(ofFileNamed name: String) -> Int? {
        guard name.hasPrefix(prefix), name.hasSuffix(fileExtension) else { return nil }
        let digits = name.dropFirst(prefix.count).dropLast(fileExtension.count)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return Int(digits)
    }

    private func contents() throws -> [String] {
        guard ReadOnlyFile.entryExists(path) else { return [] }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw LoaderError(.io, "cannot list the checkpoint folder", path: path, underlying: error)
        }
    }
}
