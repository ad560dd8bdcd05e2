import Testing
@testable import Loaders

@Suite struct OrderedBufferTests {
    private func taken(_ buffer: inout OrderedBuffer<String>) -> String {
        switch buffer.take() {
        case .item(let item): item
        case .wait: "wait"
        case .end: "end"
        }
    }

    @Test func itemsArriveInJobOrderWhateverOrderJobsFinish() {
        var buffer = OrderedBuffer<String>(jobCount: 3, jobWindow: 3, channelCapacity: 2)
        #expect([buffer.claim(), buffer.claim(), buffer.claim(), buffer.claim()] == [0, 1, 2, nil])
        buffer.append("c", to: 2)
        buffer.finish(2, failed: false)
        buffer.append("b", to: 1)
        buffer.finish(1, failed: false)
        #expect(buffer.mustWait)
        #expect(taken(&buffer) == "wait")
        buffer.append("a1", to: 0)
        buffer.append("a2", to: 0)
        #expect(!buffer.hasRoom(in: 0))
        buffer.finish(0, failed: false)
        #expect((0..<5).map { _ in taken(&buffer) } == ["a1", "a2", "b", "c", "end"])
    }

    @Test func claimsStayWithinTheWindowOfTheConsumer() {
        var buffer = OrderedBuffer<String>(jobCount: 10, jobWindow: 2, channelCapacity: 1)
        #expect([buffer.claim(), buffer.claim(), buffer.claim()] == [0, 1, nil])
        buffer.append("x", to: 1)
        buffer.finish(1, failed: false)
        #expect(buffer.claim() == nil)   // job 0 still holds the window open
        buffer.finish(0, failed: false)
        #expect(buffer.claim() == nil)   // finished, but the consumer has not moved past it
        #expect(!buffer.mustWait)
        #expect(taken(&buffer) == "x")   // moves past job 0, takes job 1's item and moves past it
        #expect(buffer.jobsInFlight == 0)
        #expect([buffer.claim(), buffer.claim(), buffer.claim()] == [2, 3, nil])
    }

    @Test func aFailedJobEndsDeliveryAfterItsItems() {
        var buffer = OrderedBuffer<String>(jobCount: 10, jobWindow: 4, channelCapacity: 2)
        for _ in 0..<3 { _ = buffer.claim() }
        buffer.append("error", to: 1)
        buffer.finish(1, failed: true)
        #expect(buffer.claim() == nil)
        #expect(buffer.claimingIsOver)
        buffer.append("ok", to: 0)
        buffer.finish(0, failed: false)
        buffer.finish(2, failed: false)
        #expect((0..<3).map { _ in taken(&buffer) } == ["ok", "error", "end"])
    }
}
