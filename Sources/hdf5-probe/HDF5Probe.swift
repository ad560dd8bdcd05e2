import ArgumentParser
import Foundation

/// `hdf5-probe FILE`: reads an HDF5 file every way SwiftLoaders can, compares each read with
/// libhdf5's, and prints the findings as one line of JSON. The HDF5 mutation campaign
/// (Fuzz/hdf5/fuzz_hdf5.py) runs it on each damaged variant in a child process.
@main
struct HDF5Probe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hdf5-probe",
        abstract: "Read an HDF5 file every way SwiftLoaders can and compare each read with libhdf5's.")

    @Argument(help: "The HDF5 file.")
    var file: String

    @Option(name: .customLong("dataset"), help: "A dataset to read besides those the file lists (repeatable).")
    var datasets: [String] = []

    @Option(name: .customLong("pair"), help: ArgumentHelp("Features and labels to read as an HDF5Dataset (repeatable).", valueName: "features:labels"))
    var pairs: [String] = []

    func run() throws {
        let parsedPairs = try pairs.map { text in
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--pair takes FEATURES:LABELS, not \(text)") }
            return (features: parts[0], labels: parts[1])
        }
        // Each step goes to stderr before it runs, so a crash shows which read it was in.
        let check = ReadCheck(path: file) { step in
            FileHandle.standardError.write(Data("step: \(step)\n".utf8))
        }
        let report = check.run(datasets: datasets, pairs: parsedPairs)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
    }
}
