import CoachingCore
import Dispatch
import Foundation
@testable import Persistence
import Testing

/// The writer's queue lingers to gather checkpoints into one transaction, but never makes a
/// job (a purge, a goal, a look-up a client waits for) wait for the linger.
struct WriterQueueTests {
    static func record(_ seq: Int64) -> WriterItem {
        .record(.checkpoint(SessionCheckpoint(sessionId: "s", userId: "u", seq: seq, startedAtMs: 0, lastAtMs: 0)))
    }

    static let job = WriterItem.job { _ in }

    static func isJob(_ item: WriterItem) -> Bool {
        if case .job = item { true } else { false }
    }

    /// `take` on another thread, with a linger of ten minutes; nil when it has not returned
    /// within 30 s (a linger that the queued job did not end).
    static func takeWithoutLinger(_ queue: WriterQueue, maxItems: Int) -> [WriterItem]? {
        let done = DispatchSemaphore(value: 0)
        let taken = LockedItems()
        Thread.detachNewThread {
            taken.set(queue.take(maxItems: maxItems, lingerMs: 600_000))
            done.signal()
        }
        return done.wait(timeout: .now() + 30) == .success ? taken.value : nil
    }

    @Test("a job already queued means no linger: everything queued is taken at once")
    func queuedJobSkipsTheLinger() throws {
        let queue = WriterQueue(capacity: 16, metrics: WriterMetrics())
        #expect(queue.push(Self.record(1)))
        #expect(queue.push(Self.job))
        let taken = try #require(Self.takeWithoutLinger(queue, maxItems: 8))
        #expect(taken.map(Self.isJob) == [false, true])
    }

    @Test("a job pushed while the writer lingers over checkpoints ends the linger")
    func jobEndsTheLinger() {
        let queue = WriterQueue(capacity: 16, metrics: WriterMetrics())
        #expect(queue.push(Self.record(1)))
        let done = DispatchSemaphore(value: 0)
        let taken = LockedItems()
        Thread.detachNewThread {
            taken.set(queue.take(maxItems: 8, lingerMs: 600_000))
            done.signal()
        }
        #expect(queue.push(Self.record(2)))
        #expect(queue.push(Self.job))
        // Returns as soon as the job is queued; a linger to its end would take ten minutes.
        #expect(done.wait(timeout: .now() + 30) == .success)
        #expect(taken.value.last.map(Self.isJob) == true)  // the job, with what was queued before it
    }

    @Test("jobs left behind by a partial take still end the next linger; checkpoints alone linger")
    func jobsCountedAcrossTakes() {
        let queue = WriterQueue(capacity: 16, metrics: WriterMetrics())
        for item in [Self.record(1), Self.job, Self.record(2), Self.job] { #expect(queue.push(item)) }
        #expect(Self.takeWithoutLinger(queue, maxItems: 2)?.map(Self.isJob) == [false, true])
        #expect(Self.takeWithoutLinger(queue, maxItems: 8)?.map(Self.isJob) == [false, true])
        // Only checkpoints now: the linger runs until `maxItems` are there (reached at once
        // here, so the take returns without waiting out the linger either).
        #expect(queue.push(Self.record(3)))
        #expect(queue.push(Self.record(4)))
        #expect(Self.takeWithoutLinger(queue, maxItems: 2)?.count == 2)
    }
}

/// Items set on one thread and read on another.
private final class LockedItems: @unchecked Sendable {
    // @unchecked Sendable: `items` is only touched under `lock`.
    private let lock = NSLock()
    private var items: [WriterItem] = []

    func set(_ value: [WriterItem]) { lock.withLock { items = value } }
    var value: [WriterItem] { lock.withLock { items } }
}
