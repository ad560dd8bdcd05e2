import Testing
@testable import Loaders

@Suite struct ProcessRankTests {
    @Test func readsTorchrunsVariables() throws {
        let process = try ProcessRank.fromEnvironment(["RANK": "3", "WORLD_SIZE": "4", "LOCAL_RANK": "1"])
        #expect(process == ProcessRank(rank: 3, worldSize: 4, localRank: 1))
        #expect(try ProcessRank.fromEnvironment(["RANK": "2", "WORLD_SIZE": "3"])?.localRank == 2)
        #expect(try ProcessRank.fromEnvironment(["PATH": "/bin"]) == nil)
    }

    @Test(arguments: [
        (["RANK": "one", "WORLD_SIZE": "2"], "environment variable RANK is not a whole number: \"one\""),
        (["RANK": "0", "WORLD_SIZE": "2\n"], "environment variable WORLD_SIZE is not a whole number: \"2\\n\""),
        (["WORLD_SIZE": "2"], "environment variable RANK is missing while WORLD_SIZE is set"),
        (["RANK": "0"], "environment variable WORLD_SIZE is missing while RANK is set"),
        (["RANK": "2", "WORLD_SIZE": "2"], "environment variable RANK=2 is outside 0..<2 (WORLD_SIZE=2)"),
        (["RANK": "0", "WORLD_SIZE": "0"], "environment variable WORLD_SIZE must be at least 1, got 0"),
        (["RANK": "1", "WORLD_SIZE": "2", "LOCAL_RANK": "2"], "environment variable LOCAL_RANK=2 is outside 0...1 (RANK=1)"),
    ])
    func refusesMalformedVariables(environment: [String: String], message: String) {
        #expect {
            _ = try ProcessRank.fromEnvironment(environment)
        } throws: { error in
            (error as? LoaderError)?.code == .malformed && (error as? LoaderError)?.description == message
        }
    }

    @Test func samplersTakeTheProcess() {
        let process = ProcessRank(rank: 1, worldSize: 3)
        #expect(DistributedSampler(count: 10, process: process, shuffle: false, seed: 0).indices(epoch: 1) == [1, 4, 7, 0])
        #expect(process.description == "rank 1 of 3 (local rank 1)")
        #expect(!process.isFirst && ProcessRank.single.isFirst)
    }
}
