import Foundation
import Testing
@testable import Loaders

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where IDX images and labels come from: a file never labels itself, a missing MNIST file is
/// named with the paths looked for, and one that is there but cannot be opened is named with the
/// system's reason.
@Suite struct IDXSourceTests {
    /// A fresh folder holding a copy of the small images (raw) under `name`.
    static func folder(imagesNamed name: String) throws -> URL {
        let directory = try IDXFixtures.temporaryDirectory()
        try FileManager.default.copyItem(
            atPath: IDXFixtures.idx("small-images-idx3-ubyte"), toPath: directory.appendingPathComponent(name).path)
        return directory
    }

    /// The system's text for `code`, as `strerror` gives it.
    static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }

    enum SecondPath: String, CaseIterable, CustomTestStringConvertible {
        case samePath = "the same path", symbolicLink = "a symbolic link", hardLink = "a hard link"
        var testDescription: String { rawValue }
    }

    /// A rank-1 integer file passes every other check as its own labels, so the identity of the
    /// file, not its path, is compared.
    @Test(arguments: SecondPath.allCases)
    func aFileIsNeverItsOwnLabels(_ second: SecondPath) throws {
        let directory = try IDXFixtures.temporaryDirectory()
        let labels = directory.appendingPathComponent("labels.idx").path
        try FileManager.default.copyItem(atPath: IDXFixtures.idx("small-labels-idx1-ubyte"), toPath: labels)
        let other = directory.appendingPathComponent("other.idx").path
        switch second {
        case .samePath: break
        case .symbolicLink: try FileManager.default.createSymbolicLink(atPath: other, withDestinationPath: labels)
        case .hardLink: try FileManager.default.linkItem(atPath: labels, toPath: other)
        }
        let labelsPath = second == .samePath ? labels : other
        let error = try #require(IDXFixtures.loaderError { _ = try IDXDataset(images: labels, labels: labelsPath) })
        #expect(error.code == .mismatch)
        #expect(error.path == labels)
        #expect(error.message == "the labels file \(labelsPath) is the images file itself; a file cannot label its own samples")
        // A copy is another file: the pair opens (five samples labelling themselves).
        let copy = directory.appendingPathComponent("copy.idx").path
        try FileManager.default.copyItem(atPath: labels, toPath: copy)
        #expect(try IDXDataset(images: labels, labels: copy).count == 5)
    }

    @Test func aMissingMNISTFileNamesBothPathsLookedFor() throws {
        let directory = try Self.folder(imagesNamed: "train-images-idx3-ubyte").path
        let error = try #require(IDXFixtures.loaderError { _ = try MNIST(directory: directory, split: .train) })
        #expect(error.code == .io)
        #expect(error.path == directory)
        #expect(error.message == "no MNIST file train-labels-idx1-ubyte: looked for \(directory)/train-labels-idx1-ubyte and \(directory)/train-labels-idx1-ubyte.gz")
    }

    /// A folder that is missing, or a file, is named as the folder, not as a missing MNIST file.
    @Test(arguments: [false, true])
    func aMissingMNISTFolderSaysSo(isFile: Bool) throws {
        let directory = try IDXFixtures.temporaryDirectory().appendingPathComponent("absent").path
        if isFile { try FileManager.default.copyItem(atPath: IDXFixtures.idx("small-labels-idx1-ubyte"), toPath: directory) }
        let error = try #require(IDXFixtures.loaderError { _ = try MNIST(directory: directory, split: .test) })
        #expect(error.code == .io)
        #expect(error.path == directory)
        #expect(error.message == (isFile ? "is not a folder" : "cannot open the folder: \(Self.reason(ENOENT))"))
    }

    /// Something that is not a readable file, where an MNIST file belongs.
    enum Obstacle: String, CaseIterable, CustomTestStringConvertible {
        case directory = "a directory"
        case symbolicLinkLoop = "a symbolic link loop"
        case danglingSymbolicLink = "a symbolic link to a missing file"
        var testDescription: String { rawValue }

        /// Puts the obstacle at `path`; returns the message the reader must give for it.
        func place(at path: String) throws -> String {
            switch self {
            case .directory:
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
                return "is a directory"
            case .symbolicLinkLoop:
                try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: path)
                return "cannot open: \(IDXSourceTests.reason(ELOOP))"
            case .danglingSymbolicLink:
                try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: path + ".missing")
                return "cannot open: it is a symbolic link to a missing file (\(IDXSourceTests.reason(ENOENT)))"
            }
        }
    }

    /// The file that is there is named with the system's reason, not "no MNIST file"; with the
    /// other name readable, that one is used.
    @Test(arguments: Obstacle.allCases, [".gz", ""])
    func anMNISTFileThatCannotBeOpenedIsNamedWithTheSystemsReason(_ obstacle: Obstacle, suffix: String) throws {
        let directory = try Self.folder(imagesNamed: "t10k-images-idx3-ubyte.gz")
        let labels = directory.appendingPathComponent("t10k-labels-idx1-ubyte" + suffix).path
        let message = try obstacle.place(at: labels)
        let error = try #require(IDXFixtures.loaderError { _ = try MNIST(directory: directory.path, split: .test) })
        #expect(error.code == .io)
        #expect(error.path == labels)
        #expect(error.message == message)

        let other = directory.appendingPathComponent("t10k-labels-idx1-ubyte" + (suffix.isEmpty ? ".gz" : "")).path
        try FileManager.default.copyItem(atPath: IDXFixtures.idx("small-labels-idx1-ubyte.gz"), toPath: other)
        let mnist = try MNIST(directory: directory.path, split: .test)
        #expect(mnist.dataset.labelsPath == other)
        // small-labels-idx1-ubyte: 3 1 4 1 5.
        #expect(try mnist.samples(at: [0, 1, 2, 3, 4]).map(\.label) == [3, 1, 4, 1, 5])
    }

    /// Files made by make_fixtures.py: five samples of no elements (uint8 5 x 0 x 28, float32
    /// 5 x 0 x 5 x 5), labelled 3 1 4 1 5.
    @Test(arguments: [
        ("zero-width-images-idx3-ubyte", [1, 0, 28]), ("zero-width-images-idx3-ubyte.gz", [1, 0, 28]),
        ("zero-channels-images-idx3-ubyte", [0, 5, 5]), ("zero-channels-images-idx3-ubyte.gz", [0, 5, 5]),
    ])
    func samplesWithoutElementsReadByRandomAccessAndStreaming(images: String, shape: [Int]) throws {
        let dataset = try IDXDataset(images: IDXFixtures.idx(images), labels: IDXFixtures.idx("small-labels-idx1-ubyte"))
        #expect(dataset.count == 5)
        #expect(dataset.sampleShape == shape)
        let random = try dataset.samples(at: [4, 0, 2])
        #expect(random.map(\.label) == [5, 3, 4])
        #expect(random.allSatisfy { $0.features.shape == shape && $0.features.scalars.isEmpty })
        var stream = try dataset.stream(shard: 0)
        var streamed: [Example] = []
        while let example = try stream.next() { streamed.append(example) }
        #expect(streamed.map(\.label) == [3, 1, 4, 1, 5])
        #expect(streamed.allSatisfy { $0.features.shape == shape && $0.features.scalars.isEmpty })
    }
}
