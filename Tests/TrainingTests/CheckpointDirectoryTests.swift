import Foundation
import Loaders
import Testing
@testable import Training

@Suite struct CheckpointDirectoryTests {
    typealias Run = CheckpointRun

    /// A small real checkpoint at `step`.
    static func checkpoint(step: Int) -> TrainingCheckpoint {
        var checkpoint = Run.trainer(.sgd).checkpoint(completedEpochs: [], metadata: ["step": "\(step)"])
        checkpoint.globalStep = step
        return checkpoint
    }

    static func names(_ paths: [String]) -> [String] { paths.map { ($0 as NSString).lastPathComponent } }

    @Test func keepsTheNewestK() throws {
        let folder = try Run.temporaryFolder() + "/made-by-save"
        defer { try? FileManager.default.removeItem(atPath: (folder as NSString).deletingLastPathComponent) }
        let directory = CheckpointDirectory(folder, keep: 3)
        for step in [100, 200, 300, 400, 1_234_567] {
            let path = try directory.save(Self.checkpoint(step: step))
            #expect(FileManager.default.fileExists(atPath: path))
        }
        #expect(Self.names(try directory.files()) == ["checkpoint-1234567.ckpt", "checkpoint-000400.ckpt", "checkpoint-000300.ckpt"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 3)
        let search = try directory.newestGood()
        #expect(search.checkpoint?.globalStep == 1_234_567 && search.skipped.isEmpty)
        #expect(search.report == "resuming from checkpoint-1234567.ckpt")

        let one = CheckpointDirectory(folder, keep: 1)
        try one.save(Self.checkpoint(step: 2_000_000))
        #expect(Self.names(try one.files()) == ["checkpoint-2000000.ckpt"])
    }

    @Test func aDamagedNewestFallsBackToThePreviousAndSaysWhy() throws {
        let folder = try Run.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let directory = CheckpointDirectory(folder)
        for step in [100, 200, 300] { try directory.save(Self.checkpoint(step: step)) }
        let newest = folder + "/checkpoint-000300.ckpt"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: newest)))
        bytes[bytes.count / 2] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: newest))
        // A checkpoint cut short by something other than our writer.
        let cut = [UInt8](try Data(contentsOf: URL(fileURLWithPath: folder + "/checkpoint-000200.ckpt")))
        try Data(cut.prefix(cut.count - 10)).write(to: URL(fileURLWithPath: folder + "/checkpoint-000200.ckpt"))

        let search = try directory.newestGood()
        #expect(search.checkpoint?.globalStep == 100)
        #expect(search.checkpoint?.path == folder + "/checkpoint-000100.ckpt")
        #expect(Self.names(search.skipped.map(\.path)) == ["checkpoint-000300.ckpt", "checkpoint-000200.ckpt"])
        #expect(search.skipped.map(\.error.code) == [.checksumMismatch, .truncated])
        #expect(search.report == "checkpoint-000300.ckpt is damaged (byte \(bytes.count - 4): \(search.skipped[0].error.message)); "
                + "checkpoint-000200.ckpt is damaged (byte \(cut.count - 10): \(search.skipped[1].error.message)); "
                + "resuming from checkpoint-000100.ckpt")
    }

    @Test func aLeftoverTemporaryFileIsIgnoredAndRemovedByTheNextSave() throws {
        let folder = try Run.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let directory = CheckpointDirectory(folder)
        try directory.save(Self.checkpoint(step: 1))
        // What a writer killed before its rename leaves: a hidden, partly written file.
        let leftover = folder + "/.checkpoint-000002.ckpt.5f3a9c.tmp"
        try Data([0x53, 0x4C, 0x43]).write(to: URL(fileURLWithPath: leftover))
        #expect(Self.names(try directory.files()) == ["checkpoint-000001.ckpt"])
        let search = try directory.newestGood()
        #expect(search.checkpoint?.globalStep == 1 && search.skipped.isEmpty)
        try directory.save(Self.checkpoint(step: 2))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["checkpoint-000001.ckpt", "checkpoint-000002.ckpt"])
    }

    @Test func savingAnEarlierStepRemovesTheLaterOnes() throws {
        let folder = try Run.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let directory = CheckpointDirectory(folder, keep: 5)
        for step in [10, 20, 30] { try directory.save(Self.checkpoint(step: step)) }
        try directory.save(Self.checkpoint(step: 15))
        #expect(Self.names(try directory.files()) == ["checkpoint-000015.ckpt", "checkpoint-000010.ckpt"])
    }

    @Test func noCheckpointsIsSaid() throws {
        let folder = try Run.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let missing = try CheckpointDirectory(folder + "/none").newestGood()
        #expect(missing.checkpoint == nil && missing.skipped.isEmpty && missing.report == "no checkpoint to resume from")
        try Data().write(to: URL(fileURLWithPath: folder + "/checkpoint-000005.ckpt"))
        let empty = try CheckpointDirectory(folder).newestGood()
        #expect(empty.checkpoint == nil && empty.skipped.count == 1)
        #expect(empty.report == "checkpoint-000005.ckpt is damaged (byte 0: an empty file is not a checkpoint); no checkpoint to resume from")
    }
}
