import Synchronization

/// What `/metrics` shows about the cluster (atomics: bumped by the cluster thread, read
/// by the loop that renders `/metrics`).
final class ClusterCounters: Sendable {
    let noticesReceived = Atomic<Int>(0)
    let noticesSent = Atomic<Int>(0)
    let releasesRequested = Atomic<Int>(0)
    let usersReleased = Atomic<Int>(0)
    let acquireTimeouts = Atomic<Int>(0)
    let sessionsLost = Atomic<Int>(0)
    let liveNodes = Atomic<Int>(0)
}
