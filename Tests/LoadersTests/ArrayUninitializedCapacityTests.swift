import Dispatch
import Testing
@testable import Loaders

@Suite struct ArrayUninitializedCapacityTests {
    /// Empty reads on several threads at once, as when two empty files load concurrently: under
    /// `make sanitize-thread` the standard library's initializer makes this a reported race.
    @Test func emptyArraysFromManyThreadsAtOnce() {
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<500 {
                let empty = [UInt8](uninitializedCapacity: 0) { buffer, initialized in
                    #expect(buffer.baseAddress != nil && buffer.isEmpty)
                    initialized = 0
                }
                #expect(empty.isEmpty)
            }
        }
    }

    @Test func aNonZeroCapacityKeepsWhatTheBodyInitialized() {
        let values = [Int](uninitializedCapacity: 5) { buffer, initialized in
            for index in 0..<3 { buffer[index] = index * 7 }
            initialized = 3
        }
        #expect(values == [0, 7, 14])
    }
}
