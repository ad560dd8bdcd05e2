import ArgumentParser
import Foundation
import Loaders
import Training

/// `loaders train --checkpoint-dir DIR [--checkpoint-every N] [--resume]`: checkpoints written as
/// training goes, and a run continued from the newest good one with the settings it was started
/// with.
extension TrainCommand {
    /// The options a resumed run may change: how it loads, reports and saves, never what it computes;
    /// and the processes it runs on, since the epoch continues at the same sample on any world size.
    static let optionsAResumeMayChange: Set<String> = [
        "workers", "timeout", "json", "plot", "save", "memory-limit", "checkpoint-dir", "checkpoint-every", "keep-checkpoints",
        "resume", "distributed", "trace-batches",
    ]

    /// The arguments after `train` this process was started with.
    static var commandLineArguments: [String] {
        let arguments = Array(CommandLine.arguments.dropFirst())
        return arguments.first == "train" ? Array(arguments.dropFirst()) : arguments
    }

    /// The run to carry out: with `--resume` and a checkpoint that reads, the command it was written
    /// by (with this invocation's loading and reporting options) and the checkpoint; otherwise this
    /// command from the start.
    /// - Throws: `ValidationError` when this invocation gives an option that changes what the
    ///   checkpointed run computes; `LoaderError` when the folder cannot be listed.
    func resumedRun(distributed: DistributedTraining?) throws -> (TrainCommand, TrainingCheckpoint?) {
        guard resume, let checkpointDir else { return (self, nil) }
        // Every rank reads the checkpoint (on a shared folder); rank 0 says which.
        let note = { (message: String) in if distributed?.isLeader ?? true { self.note(message) } }
        let search = try CheckpointDirectory(checkpointDir).newestGood()
        guard let checkpoint = search.checkpoint else {
            note(search.skipped.isEmpty ? "no checkpoint in \(checkpointDir) yet; starting from the beginning"
                                        : "\(search.report); starting from the beginning")
            return (self, nil)
        }
        guard let saved = checkpoint.metadata["arguments"].flatMap(Self.decodeArguments) else {
            throw LoaderError(.malformed, "the checkpoint does not record the arguments of its run", path: checkpoint.path)
        }
        let given = Self.commandLineArguments
        let savedOptions = Self.options(in: saved)
        for (name, values) in Self.options(in: given) where !Self.optionsAResumeMayChange.contains(name) {
            guard savedOptions[name] == values else {
                let was = savedOptions[name].map { "with " + $0.joined(separator: " ") } ?? "without --\(name)"
                throw ValidationError("--resume continues the run of \(checkpoint.path ?? checkpointDir), which was started \(was); "
                                      + "leave out \(values.joined(separator: " ")) or start a new run")
            }
        }
        // Whether to run distributed is this invocation's to say.
        let resumed = try TrainCommand.parse(saved.filter { $0 != "--distributed" } + Self.changeableOptions(in: given))
        let position = checkpoint.epochInProgress.map { "epoch \($0.epoch), after batch \($0.batches)" }
            ?? "the start of epoch \(checkpoint.epoch)"
        note((search.skipped.isEmpty ? "resuming from \(checkpoint.path ?? "")" : search.report) + " at \(position)")
        return (resumed, checkpoint)
    }

    /// The arguments to record in a checkpoint: those the run was started with, and the options of
    /// this invocation that a resume may change.
    func recordedArguments(resumedFrom checkpoint: TrainingCheckpoint?) -> String {
        let given = Self.commandLineArguments
        let arguments = checkpoint?.metadata["arguments"].flatMap(Self.decodeArguments).map { $0 + Self.changeableOptions(in: given) }
            ?? given.filter { $0 != "--resume" }
        return JSON.array(arguments.map(JSON.string)).text
    }

    /// Says `message` where it does not mix with JSON lines.
    private func note(_ message: String) {
        if json {
            FileHandle.standardError.write(Data((message + "\n").utf8))
        } else {
            print(message)
        }
    }

    private static func decodeArguments(_ text: String) -> [String]? {
        try? JSONDecoder().decode([String].self, from: Data(text.utf8))
    }

    /// The options in `arguments` (`--name value…`, `--name=value`, or a flag), in order, each
    /// with its tokens.
    static func optionGroups(in arguments: [String]) -> [(name: String, tokens: [String])] {
        var groups: [(name: String, tokens: [String])] = []
        for argument in arguments {
            if argument.hasPrefix("--") {
                groups.append((String(argument.dropFirst(2).prefix { $0 != "=" }), [argument]))
            } else if !groups.isEmpty {
                groups[groups.count - 1].tokens.append(argument)
            }
        }
        return groups
    }

    /// Each option's tokens, all its occurrences together.
    static func options(in arguments: [String]) -> [String: [String]] {
        optionGroups(in: arguments).reduce(into: [:]) { options, group in options[group.name, default: []] += group.tokens }
    }

    /// The tokens of the options in `arguments` that a resume may change, but `--resume` itself.
    static func changeableOptions(in arguments: [String]) -> [String] {
        optionGroups(in: arguments).filter { optionsAResumeMayChange.contains($0.name) && $0.name != "resume" }.flatMap(\.tokens)
    }
}

/// Writes checkpoints of one training run into a `CheckpointDirectory`.
///
/// The training thread only takes a snapshot (a copy of the parameters and the optimizer's state);
/// encoding, writing, `fsync` and pruning happen on a background queue, one checkpoint at a time,
/// so training goes on while the disk works. A write still running when the next is due is waited
/// for, which keeps at most one snapshot in memory besides the model. A failed write is thrown by
/// the next call.
final class CheckpointWriter: @unchecked Sendable {
    let directory: CheckpointDirectory
    /// Batches between checkpoints; nil writes one at each epoch's end only.
    let every: Int?
    let trainer: Trainer
    let loader: DataLoader<AnyDataset<Example>>
    let metadata: [String: String]
    /// Distributed, every rank joins in summing the epoch's progress for each checkpoint, and
    /// rank 0 writes it.
    let distributed: DistributedTraining?
    private let queue = DispatchQueue(label: "checkpoint writer")
    /// The first failed write since `finish()`, and the time spent writing: touched only on `queue`.
    private var failure: (any Error)?
    private var writing = 0.0
    /// What the training thread spent on checkpoints (snapshots, waits for a write), and the
    /// checkpoints and background write time, since `takeTotals()`.
    private var totals = Totals()

    struct Totals {
        var count = 0
        var blockedSeconds = 0.0
        var writeSeconds = 0.0
    }

    init(directory: CheckpointDirectory, every: Int?, trainer: Trainer, loader: DataLoader<AnyDataset<Example>>, metadata: [String: String],
         distributed: DistributedTraining? = nil) {
        self.distributed = distributed
        self.directory = directory
        self.every = every
        self.trainer = trainer
        self.loader = loader
        self.metadata = metadata
    }

    /// Starts a checkpoint after the step just taken, if one is due.
    func afterStep(completedEpochs: [EpochReport]) throws {
        guard let every, trainer.steps % every == 0 else { return }
        try write(completedEpochs: completedEpochs)
    }

    /// Starts writing a checkpoint of training as it stands, after the previous one is written.
    func write(completedEpochs: [EpochReport]) throws {
        let start = ContinuousClock.now
        try finish()
        // Every rank joins in summing the epoch's progress; only rank 0 snapshots and writes, since
        // every rank delivers the same number of batches, all full but an epoch's last, so rank 0's
        // loader state places every rank (`LoaderState.placed(on:)`).
        let progress = try trainer.epochInProgress.map { try distributed?.global($0) ?? $0 }
        guard distributed?.isLeader ?? true else { return }
        var snapshot = trainer.checkpoint(
            completedEpochs: completedEpochs, loaderState: try JSONEncoder().encode(loader.state), metadata: metadata)
        snapshot.epochInProgress = progress
        let checkpoint = snapshot
        queue.async { [self] in
            let writeStart = ContinuousClock.now
            do {
                try directory.save(checkpoint)
            } catch {
                failure = failure ?? error
            }
            writing += (ContinuousClock.now - writeStart).seconds
        }
        totals.count += 1
        totals.blockedSeconds += (ContinuousClock.now - start).seconds
    }

    /// Waits for the checkpoint being written.
    /// - Throws: the error of a write that failed.
    func finish() throws {
        let (failed, written) = queue.sync { () -> ((any Error)?, Double) in
            defer { (failure, writing) = (nil, 0) }
            return (failure, writing)
        }
        totals.writeSeconds += written
        if let failed { throw failed }
    }

    /// The checkpoints written and their time since the last call, once they are on disk.
    func takeTotals() throws -> Totals {
        try finish()
        defer { totals = Totals() }
        return totals
    }
}
