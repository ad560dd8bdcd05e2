import ArgumentParser
import Testing
@testable import loaders

/// `--timeout SECONDS` of `loaders bench` and `loaders train`, handed to the loaders as a `Duration`.
@Suite struct LoaderTimeoutOptionTests {
    @Test func secondsBecomeTheLoadersTimeout() throws {
        #expect(try BenchCommand.loaderTimeout(seconds: nil) == nil)
        #expect(try BenchCommand.loaderTimeout(seconds: 30) == .seconds(30))
        #expect(try BenchCommand.loaderTimeout(seconds: 0.25) == .milliseconds(250))
        // The same options with a valid timeout parse, so the refusals below are the timeout's.
        _ = try BenchCommand.parse(["--timeout", "2.5"])
        _ = try TrainCommand.parse(["--timeout", "2.5"])
    }

    /// Below a millisecond a timeout rounds to nothing or fails every batch.
    @Test(arguments: ["0", "-1", "nan", "inf", "1e300", "1e-10", "0.0009"])
    func aTimeoutThatIsNotAPositiveNumberOfSecondsIsRefused(seconds: String) {
        #expect(throws: (any Error).self) { try BenchCommand.parse(["--timeout", seconds]) }
        #expect(throws: (any Error).self) { try TrainCommand.parse(["--timeout", seconds]) }
    }

    @Test func benchRunsWithATimeoutThatIsNeverReached() throws {
        let images = InspectTests.fixture("mnist/t10k-images-idx3-ubyte.gz")
        let command = try BenchCommand.parse(["--train", images, "--workers", "2", "--epochs", "1", "--batch-size", "500", "--timeout", "600"])
        #expect(try command.measure().samples == 10_000)
        let streaming = try BenchCommand.parse(["--train", images, "--streaming", "--shards", "2", "--workers", "2", "--epochs", "1", "--timeout", "600"])
        #expect(try streaming.measure().samples == 10_000)
    }
}
