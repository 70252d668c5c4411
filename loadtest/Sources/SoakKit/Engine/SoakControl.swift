import Histogram
import Synchronization

/// What one loop reports to the runner (published once a second and when it finishes).
struct LoopSnapshot: Sendable {
    var counters = SoakCounters()
    /// Round trips recorded since the runner last took them (µs).
    var pendingLatency = LatencySummary.makeHistogram()
    /// The same for round trips during reconnect storms.
    var pendingStormLatency = LatencySummary.makeHistogram()
    /// The loop's shares of reconnect storms: over, and going on now.
    var stormShares: [ResumeStorm] = []
    var currentStorm: ResumeStorm?
    var violations = ViolationLog()
    var errorsByCode: [String: Int] = [:]
    var firstConnectFailure: String?
    /// All of the loop's connections are done (closing phase only).
    var finished = false
}

/// The run's phase, as the loops see it.
enum RunPhase: Int {
    /// Ramp up and send load.
    case load = 0
    /// Stop sending activities; drain answers, end sessions, close connections.
    case closing = 1
    /// Drain deadline passed: give up on what is still outstanding and exit.
    case stop = 2
}

/// State shared by the runner (main thread) and the loops: atomics and one mutex per loop.
final class SoakControl: Sendable {
    let phase = Atomic<Int>(RunPhase.load.rawValue)
    /// Activities left under `--messages` (unused when the run has no message bound).
    let messageBudget: Atomic<Int>
    let hasMessageBound: Bool
    let snapshots: [SnapshotBox]

    /// One loop's published snapshot behind its own lock.
    final class SnapshotBox: Sendable {
        let mutex = Mutex(LoopSnapshot())
    }

    init(loops: Int, messages: Int) {
        hasMessageBound = messages > 0
        messageBudget = Atomic(messages)
        snapshots = (0..<loops).map { _ in SnapshotBox() }
    }

    var currentPhase: RunPhase { RunPhase(rawValue: phase.load(ordering: .relaxed)) ?? .stop }

    /// Takes one activity from the budget; false when the bound is reached.
    func takeMessage() -> Bool {
        guard hasMessageBound else { return true }
        return messageBudget.subtract(1, ordering: .relaxed).newValue >= 0
    }

    var budgetExhausted: Bool { hasMessageBound && messageBudget.load(ordering: .relaxed) <= 0 }
}

/// One connection the run holds.
struct ConnectionSpec: Sendable {
    enum Role: Sendable, Equatable {
        /// Editor session `session` of user `user`.
        case editor(user: Int, session: Int)
        /// Dashboard `index`, logged in as user `user`.
        case dashboard(user: Int, index: Int)
    }

    var role: Role
    var token: String?
    /// Network-order source address (0: any).
    var source: UInt32
    /// The user's routing key sent on the upgrade (`--route-key`), nil for none.
    var routeKey: String? = nil
}
