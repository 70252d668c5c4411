import CoachingCore
import Glibc
import LoopKit
import Testing
@testable import RealtimeServer

/// The loop reads the clock as few times as its figures allow: the first event of a wake-up
/// takes the wake-up's read, and the coaching core's wall time is the event's monotonic
/// time plus an offset re-read at every sweep.
struct EventClockTests {
    @Test("the coaching core's wall time is the wall clock's, to the millisecond, from a fresh loop and after a sweep's re-read")
    func wallTimeFromTheOffset() throws {
        let harness = try LoopOnTestThread()
        let loop = harness.loop
        for _ in 0..<2 {
            let before = WallClock.nowMs()
            loop.nowMs = MonotonicClock.nowMs()
            let wall = loop.coachingTime.wallMs
            let after = WallClock.nowMs()
            // Two truncations to whole milliseconds (the offset's and the event's) leave at
            // most one of error either way.
            #expect(wall >= before - 1 && wall <= after + 1, "wall \(wall) outside \(before)...\(after)")
            loop.wallOffsetMs = WallClock.nowMs() &- MonotonicClock.nowMs()  // as each sweep does
        }
    }

    @Test("a wake-up's clock read stamps its first event; the next event of the same wake-up reads the clock again")
    func firstEventTakesTheWakeUpsRead() throws {
        let harness = try LoopOnTestThread()
        let loop = harness.loop
        let (peer, connection) = try harness.connect(as: LoopOnTestThread.user("ada"))
        func arrive(_ text: String) {
            peer.send(text)
            var poller = pollfd(fd: connection.fd, events: Int16(POLLIN), revents: 0)
            #expect(poll(&poller, 1, 5_000) == 1)
        }
        arrive(#"{"type":"ping","id":"a"}"#)
        loop.wokeUp()
        let wake = loop.wakeNs
        loop.handle(token: connection.token, events: .read)
        #expect(peer.nextText()?.contains(#""type":"pong""#) == true)
        #expect(loop.eventNs == wake)
        #expect(loop.nowMs == Int64(wake / 1_000_000))

        // Another event of the same wake-up (no `wokeUp` between): its own, later, read.
        arrive(#"{"type":"ping","id":"b"}"#)
        loop.handle(token: connection.token, events: .read)
        #expect(peer.nextText()?.contains(#""type":"pong""#) == true)
        #expect(loop.eventNs > wake)
        #expect(loop.wakeNs == wake)
    }
}
