import Foundation
import Loaders
import Testing

@Suite struct AtomicFileTests {
    /// A fresh empty folder, removed by the caller.
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    static func contents(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    struct Interrupted: Error {}

    @Test func writesTheBytesAndLeavesNoTemporaryFile() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/out.bin"
        let bytes = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try AtomicFile.write(bytes, to: path)
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == bytes)
        // In pieces, replacing the first file.
        let pieces = try AtomicFile.write(to: path) { output in
            for piece in stride(from: 0, to: bytes.count, by: 4096) { try output.write(Array(bytes[piece..<min(piece + 4096, bytes.count)].reversed())) }
            return bytes.count / 4096 + 1
        }
        #expect(pieces == 18)
        let expected = stride(from: 0, to: bytes.count, by: 4096).flatMap { Array(bytes[$0..<min($0 + 4096, bytes.count)].reversed()) }
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == expected)
        #expect(try Self.contents(folder) == ["out.bin"])
    }

    @Test func aWriterThatThrowsMidwayLeavesTheOldFileWhole() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/model.bin"
        let old = Array("the old content\n".utf8)
        try AtomicFile.write(old, to: path)
        #expect(throws: Interrupted.self) {
            try AtomicFile.write(to: path) { output in
                try output.write(Array(repeating: UInt8(7), count: 100_000))
                throw Interrupted()
            }
        }
        #expect(throws: Interrupted.self) {
            try AtomicFile.write(to: path, usingTemporaryPath: { temporary in
                try Data(repeating: 9, count: 1000).write(to: URL(fileURLWithPath: temporary))
                throw Interrupted()
            })
        }
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == old)
        #expect(try Self.contents(folder) == ["model.bin"])
    }

    @Test func theTemporaryPathFormRenamesWhatTheWriterMade() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/data.h5"
        try AtomicFile.write(Array("old".utf8), to: path)
        let seen = try AtomicFile.write(to: path, usingTemporaryPath: { temporary in
            #expect(temporary != path)
            #expect(FileManager.default.fileExists(atPath: temporary))
            #expect((temporary as NSString).deletingLastPathComponent == folder)
            // A writer that creates its own file over the temporary one, as libhdf5 does.
            try Data("made by the writer".utf8).write(to: URL(fileURLWithPath: temporary))
            return (temporary as NSString).lastPathComponent
        })
        #expect(seen.hasPrefix(".data.h5.") && seen.hasSuffix(".tmp"))
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) == "made by the writer")
        #expect(try Self.contents(folder) == ["data.h5"])
    }

    @Test func aFolderThatDoesNotExistIsAnIOErrorNamingThePath() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/missing/out.bin"
        let error = try #require(throws: LoaderError.self) { try AtomicFile.write([1, 2, 3], to: path) }
        #expect(error.code == .io)
        #expect(error.path == path)
        #expect(error.description.contains("creating") && error.description.contains("No such file or directory"))
        #expect(try Self.contents(folder).isEmpty)
    }

    @Test func aTargetThatIsAFolderIsRefusedAndTheTemporaryRemoved() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/taken"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        #expect(FileManager.default.createFile(atPath: path + "/inside", contents: Data([1])))
        let error = try #require(throws: LoaderError.self) { try AtomicFile.write([1, 2, 3], to: path) }
        #expect(error.code == .io && error.path == path)
        #expect(error.description.contains("renaming"))
        #expect(try Self.contents(folder) == ["taken"])
        #expect(try Self.contents(path) == ["inside"])
    }

    @Test(.enabled(if: geteuid() != 0, "the superuser writes into read-only folders"))
    func aReadOnlyFolderIsAnIOErrorNamingThePath() throws {
        let folder = try Self.folder()
        defer {
            chmod(folder, 0o755)
            try? FileManager.default.removeItem(atPath: folder)
        }
        let path = folder + "/out.bin"
        try AtomicFile.write([1], to: path)
        chmod(folder, 0o555)
        let error = try #require(throws: LoaderError.self) { try AtomicFile.write([2, 3], to: path) }
        #expect(error.code == .io && error.path == path)
        #expect(error.description.contains("Permission denied"))
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) == [1])
        #expect(try Self.contents(folder) == ["out.bin"])
    }
}

extension AtomicFileTests {
    @Test func aTemporaryFileNamesItsTarget() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let name = try AtomicFile.write(to: folder + "/checkpoint-000002.ckpt") { (_: AtomicFile.Output) in try Self.contents(folder)[0] }
        #expect(AtomicFile.target(ofTemporaryNamed: name) == "checkpoint-000002.ckpt")
        #expect(AtomicFile.target(ofTemporaryNamed: "checkpoint-000002.ckpt") == nil)
        #expect(AtomicFile.target(ofTemporaryNamed: ".tmp") == nil)
        #expect(AtomicFile.target(ofTemporaryNamed: ".x.tmp") == nil)
        #expect(AtomicFile.target(ofTemporaryNamed: ".a.b.c.tmp") == "a.b")
    }
}
