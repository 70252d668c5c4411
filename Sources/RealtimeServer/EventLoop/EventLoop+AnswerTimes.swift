import CoachingCore
import LoopKit

/// The server's own view of the coaching round trip: how long an `activity` waited in the
/// loop, from the wake-up (and from the read) that brought it to the write that handed its
/// `flow` to the kernel (`flowcoach_activity_answer_seconds` on `/metrics`).
extension EventLoop {
    /// Records the answer times of the activities answered since `answeredBefore` (a read's
    /// worth, all of them written by the flush that just ran). One clock read per read
    /// that answered something; nothing when it answered nothing.
    @inline(__always)
    func recordAnswerTimes(answeredBefore: Int) {
        let answered = stats.activitiesAnswered &- answeredBefore
        guard answered > 0 else { return }
        let writtenNs = MonotonicClock.nowNs()
        stats.recordAnswers(sinceWakeNs: Int(truncatingIfNeeded: writtenNs &- wakeNs),
                            sinceReadNs: Int(truncatingIfNeeded: writtenNs &- eventNs), count: answered)
    }
}
