/// What a session's timeline shows besides its flow periods: the stretches it spent
/// interrupted or idle, and the break reminders it triggered.
public enum SessionMarkKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A flow period was broken (idle gap, context switches) and typing has not resumed.
    case interrupted
    /// No typing for the idle gap outside flow.
    case idle
    /// A break reminder went out (an instant: `endMs == startMs`).
    case breakReminder = "break"
}

/// One stored timeline mark of a session. Keyed by (session, `kind`, `startMs`): a mark sent
/// twice (a replayed batch, a retried checkpoint) is stored once.
public struct SessionMarkRecord: Sendable, Hashable, Codable {
    public var kind: SessionMarkKind
    public var startMs: Int64
    /// Equal to `startMs` for an instant (a break reminder).
    public var endMs: Int64

    public init(kind: SessionMarkKind, startMs: Int64, endMs: Int64) {
        self.kind = kind
        self.startMs = startMs
        self.endMs = max(startMs, endMs)
    }
}

extension [SessionMarkRecord] {
    /// Appends the marks of `other` this list does not hold yet (same kind and start).
    public mutating func unite(_ other: [SessionMarkRecord]) {
        for mark in other where !contains(where: { $0.kind == mark.kind && $0.startMs == mark.startMs }) {
            append(mark)
        }
    }
}
