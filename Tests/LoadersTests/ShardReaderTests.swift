import Testing
@testable import Loaders

@Suite struct ShardReaderTests {
    private func order(size: Int, buffer: Int, seed: UInt64) throws -> [Int] {
        let dataset = ShardedRangeDataset(sizes: [size])
        var reader = ShardReader(try dataset.stream(shard: 0), shuffleBuffer: buffer, random: SeededGenerator(seed: seed))
        var result: [Int] = []
        while let sample = try reader.next() { result.append(Int(sample.features.scalars[0])) }
        #expect(reader.samplesRead == size)
        return result
    }

    @Test(arguments: [0, 1])
    func noBufferKeepsTheShardOrder(buffer: Int) throws {
        #expect(try order(size: 20, buffer: buffer, seed: 3) == Array(0..<20))
    }

    @Test(arguments: [2, 5, 50])
    func aBufferShufflesWithinItsReach(buffer: Int) throws {
        let shuffled = try order(size: 40, buffer: buffer, seed: 3)
        #expect(shuffled.sorted() == Array(0..<40))
        #expect(shuffled != Array(0..<40))
        #expect(try order(size: 40, buffer: buffer, seed: 3) == shuffled)
        // Sample i cannot leave before it was read, and the buffer is full from then on: output
        // position k comes after reading sample k + buffer - 1, so no sample moves up more than buffer - 1 places.
        for (position, sample) in shuffled.enumerated() {
            #expect(position >= sample - (buffer - 1))
        }
    }
}
