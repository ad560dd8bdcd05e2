/// Where a layer's counter-based random generator stands: its seed and the next stream it will
/// draw from (dropout's next training pass). With the two, the generator's later draws are known.
public struct GeneratorState: Sendable, Hashable, Codable {
    public var seed: UInt64
    public var position: UInt64

    public init(seed: UInt64, position: UInt64) {
        self.seed = seed
        self.position = position
    }
}
