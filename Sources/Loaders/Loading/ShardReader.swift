/// Reads one shard of a streaming dataset through a seeded shuffle buffer.
///
/// With a buffer of `b > 1` samples, the first `b` samples fill it; then each step emits a random
/// buffered sample and puts the next one read in its place; at the end the remainder is emitted in
/// random order. So a sample moves at most about `b` places, and memory holds `b` samples.
struct ShardReader<Stream: SampleStream> {
    private var stream: Stream
    private var buffer: [Stream.Element] = []
    private let bufferSize: Int
    private var random: SeededGenerator
    private var streamEnded = false
    /// Samples read from the shard so far, for naming where an error happened.
    private(set) var samplesRead = 0

    /// - Parameters:
    ///   - stream: the open shard.
    ///   - shuffleBuffer: samples held for shuffling; 0 or 1 keeps the shard's order.
    ///   - random: the generator for this (seed, epoch, shard).
    init(_ stream: Stream, shuffleBuffer: Int, random: SeededGenerator) {
        self.stream = stream
        self.bufferSize = shuffleBuffer
        self.random = random
        // A buffer larger than the shard never fills, so reserve only a bounded start and let it grow.
        buffer.reserveCapacity(min(max(shuffleBuffer, 0), 1 << 12))
    }

    /// The next sample in shuffled order, or `nil` at the shard's end.
    /// - Throws: the stream's error.
    mutating func next() throws -> Stream.Element? {
        guard bufferSize > 1 else { return try read() }
        while !streamEnded && buffer.count < bufferSize {
            guard let sample = try read() else { break }
            buffer.append(sample)
        }
        guard !buffer.isEmpty else { return nil }
        let chosen = random.uniform(below: buffer.count)
        if !streamEnded, let replacement = try read() {
            defer { buffer[chosen] = replacement }
            return buffer[chosen]
        }
        buffer.swapAt(chosen, buffer.count - 1)
        return buffer.removeLast()
    }

    private mutating func read() throws -> Stream.Element? {
        guard !streamEnded else { return nil }
        guard let sample = try stream.next() else {
            streamEnded = true
            return nil
        }
        samplesRead += 1
        return sample
    }
}
