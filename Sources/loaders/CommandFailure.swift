import ArgumentParser
import Foundation
import Loaders

/// Prints one line on stderr naming the command, the file and the place, and returns the exit
/// status 1 for the caller to throw.
func reportFailure(of command: String, _ error: any Error) -> ExitCode {
    let line = (error as? LoaderError)?.description ?? "\(error)"
    FileHandle.standardError.write(Data("loaders \(command): \(line.replacingOccurrences(of: "\n", with: " "))\n".utf8))
    return ExitCode.failure
}
