import ChildProcessSupport
import Foundation
import Loaders
import Testing
@testable import loaders

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// IDX data given to `loaders bench` and `train`, run as a user runs them: labels are found
/// beside images by MNIST's naming or the run stops with one line saying where they were looked
/// for; a file is never its own labels; a file that cannot be opened is named with the system's
/// reason.
@Suite struct IDXSourceCommandTests {
    /// Runs `loaders arguments…`, with `prefix` (a program and its arguments) in front when given.
    static func run(_ arguments: [String], prefix: [String] = []) async throws -> ChildProcess.Outcome {
        try #require(FileManager.default.isExecutableFile(atPath: LoadersTool.executable))
        let command = prefix + [LoadersTool.executable] + arguments
        // A generous deadline turns a hang into a failure instead of a stuck test run.
        let outcome = try await ChildProcess.run(
            command[0], Array(command.dropFirst()), environment: LoadersTool.environment, deadline: .seconds(120))
        #expect(!outcome.timedOut)
        return outcome
    }

    /// A fresh folder holding copies of fixtures under Fixtures/idx/, each under a new name.
    static func folder(_ files: [(fixture: String, name: String)]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("idx-source-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (fixture, name) in files {
            try FileManager.default.copyItem(atPath: InspectTests.fixture("idx/" + fixture), toPath: directory + "/" + name)
        }
        return directory
    }

    static let commands: [[String]] = [
        ["bench", "--epochs", "1"], ["bench", "--epochs", "1", "--streaming"],
        ["train", "--epochs", "1", "--workers", "0", "--model", "linear"],
    ]

    /// A rank-1 file named without "images-idx3" used to be taken as its own labels and train
    /// with exit 0.
    @Test(arguments: commands, [
        ("two-labels-int32.idx", ""),
        ("small-labels-idx1-ubyte", " (this looks like a labels file)"),
    ])
    func aFileNamedWithoutImagesIdx3HasNoLabels(command: [String], file: (name: String, hint: String)) async throws {
        let path = InspectTests.fixture("idx/" + file.name)
        let outcome = try await Self.run(command + ["--train", path])
        #expect(outcome.reason == .exit && outcome.status == 1)
        #expect(outcome.standardError == """
            loaders \(command[0]): \(path): no labels file for these IDX images\(file.hint): labels are found beside an \
            images file by MNIST's naming, x-images-idx3-ubyte[.gz] beside x-labels-idx1-ubyte[.gz], and this name \
            has no "images-idx3"\n
            """)
    }

    @Test(arguments: commands)
    func aMissingLabelsFileNamesThePathsLookedFor(command: [String]) async throws {
        let directory = try Self.folder([("small-images-idx3-ubyte.gz", "x-images-idx3-ubyte.gz")])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let images = directory + "/x-images-idx3-ubyte.gz"
        let outcome = try await Self.run(command + ["--train", images])
        #expect(outcome.reason == .exit && outcome.status == 1)
        #expect(outcome.standardError == """
            loaders \(command[0]): \(images): no labels file for these IDX images: looked for \
            \(directory)/x-labels-idx1-ubyte.gz and \(directory)/x-labels-idx1-ubyte\n
            """)
    }

    /// A labels name that is a link to the images file is refused, not trained on.
    @Test(arguments: commands)
    func labelsLinkedToTheImagesAreRefused(command: [String]) async throws {
        let directory = try Self.folder([("small-labels-idx1-ubyte", "x-images-idx3-ubyte")])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let images = directory + "/x-images-idx3-ubyte", labels = directory + "/x-labels-idx1-ubyte"
        try FileManager.default.createSymbolicLink(atPath: labels, withDestinationPath: images)
        let outcome = try await Self.run(command + ["--train", images])
        #expect(outcome.reason == .exit && outcome.status == 1)
        #expect(outcome.standardError == """
            loaders \(command[0]): \(images): the labels file \(labels) is the images file itself; \
            a file cannot label its own samples\n
            """)
    }

    /// The labels file is found compressed or not, whichever the images file is.
    @Test(arguments: [
        ("x-images-idx3-ubyte", "x-labels-idx1-ubyte.gz"), ("x-images-idx3-ubyte.gz", "x-labels-idx1-ubyte"),
    ])
    func labelsAreFoundWithOrWithoutGz(images: String, labels: String) throws {
        let directory = try Self.folder([
            ("small-images-idx3-ubyte", images), ("small-labels-idx1-ubyte", labels),
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try SourceOptions.idxLabels(besideImages: directory + "/" + images) == directory + "/" + labels)
        let report = try BenchCommand.parse(["--train", directory + "/" + images, "--epochs", "1", "--batch-size", "2"]).measure()
        #expect(report.samples == 5)
    }

    /// An MNIST file the user may not read is named with "Permission denied", not "no MNIST file".
    /// As root, the tool runs without the capabilities that let root read any file.
    @Test func anUnreadableMNISTFileIsNamedWithTheSystemsReason() async throws {
        let directory = try Self.folder([
            ("small-images-idx3-ubyte.gz", "train-images-idx3-ubyte.gz"),
            ("small-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte.gz"),
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let images = directory + "/train-images-idx3-ubyte.gz"
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: images)
        let prefix = geteuid() == 0 ? ["/usr/bin/setpriv", "--bounding-set=-dac_override,-dac_read_search"] : []
        let outcome = try await Self.run(["bench", "--epochs", "1", "--train", directory], prefix: prefix)
        #expect(outcome.reason == .exit && outcome.status == 1)
        #expect(outcome.standardError == "loaders bench: \(images): cannot open: \(String(cString: strerror(EACCES)))\n")
    }

    /// Samples of no elements (uint8 5 x 0 x 28, float32 5 x 0 x 5 x 5, from make_fixtures.py):
    /// `inspect` shows the type and shape, `bench` reads all five, by either path.
    @Test(arguments: [
        ("zero-width-images-idx3-ubyte.gz", "uint8", [5, 0, 28]),
        ("zero-channels-images-idx3-ubyte", "float32", [5, 0, 5, 5]),
    ])
    func samplesWithoutElementsAreInspectedAndBenched(file: String, dtype: String, shape: [Int]) async throws {
        let path = InspectTests.fixture("idx/" + file)
        let inspected = try await Self.run(["inspect", "--json", path])
        #expect(inspected.reason == .exit && inspected.status == 0, "\(inspected.standardError)")
        let prefix = #"{"format":"idx","dtype":"\#(dtype)","shape":[\#(shape.map(String.init).joined(separator: ","))],"sum":"#
        #expect(inspected.standardOutput.hasPrefix(prefix), "\(inspected.standardOutput)")
        for streaming in [false, true] {
            let report = try BenchCommand.parse(["--train", path, "--epochs", "1"] + (streaming ? ["--streaming"] : [])).measure()
            #expect(report.samples == 5)
        }
    }
}
