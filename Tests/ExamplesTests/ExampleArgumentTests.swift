import Foundation
import Testing

/// The example programs say what is wrong with their data path or options, and exit with status 1.
@Suite struct ExampleArgumentTests {
    @Test(arguments: [
        ("wine-mlp", "/nonexistent/wine.csv", "no wine CSV at /nonexistent/wine.csv"),
        ("mnist-cnn", "/nonexistent/mnist", "no MNIST folder at /nonexistent/mnist"),
    ])
    func missingDataIsNamedWithTheWayToGiveIt(program: String, path: String, message: String) async throws {
        let outcome = try await ExamplePrograms.run(program, ["--data", path])
        #expect(outcome.status == 1)
        #expect(outcome.standardError.hasPrefix("\(program): \(message)"), "\(outcome.standardError)")
        #expect(outcome.standardError.contains("--data"))
        #expect(outcome.standardOutput.isEmpty)
    }

    /// A folder without the MNIST files: the reader's error, naming the file looked for.
    @Test func mnistFolderWithoutTheFilesNamesThem() async throws {
        let directory = try ExamplePrograms.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let outcome = try await ExamplePrograms.run("mnist-cnn", ["--data", directory.path])
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("train-images-idx3-ubyte"), "\(outcome.standardError)")
        #expect(outcome.standardError.contains(directory.path))
    }

    @Test(arguments: [
        ("linear-regression", ["--epoch", "3"], "unknown option or missing value at --epoch"),
        ("linear-regression", ["--epochs", "0"], "--epochs takes a positive whole number"),
        ("wine-mlp", ["--epochs"], "unknown option or missing value at --epochs"),
        ("mnist-cnn", ["--subset", "-5"], "--subset takes a positive whole number, got -5"),
    ])
    func badOptionsAreNamed(program: String, arguments: [String], message: String) async throws {
        let outcome = try await ExamplePrograms.run(program, arguments)
        #expect(outcome.status == 1)
        #expect(outcome.standardError.hasPrefix("\(program): \(message)"), "\(outcome.standardError)")
    }
}
