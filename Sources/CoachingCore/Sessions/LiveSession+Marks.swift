public import FlowEngine

/// The timeline marks a session stores besides its flow periods: without them a page
/// reloaded later could draw a past session only as working and flow.
extension LiveSession {
    /// Follows the detector's state: leaving interrupted or idle completes a mark, entering
    /// one opens the next. No allocation unless a mark completes.
    public func noteState(_ assessment: FlowAssessment) {
        guard assessment.stateChanged else { return }
        closeMark(atMs: assessment.atMs)
        if let kind = SessionMarkKind(assessment.state) { openMark = (kind, assessment.atMs) }
    }

    /// Completes the open mark at `atMs` (a state change, or the session's end).
    public func closeMark(atMs: Int64) {
        guard let open = openMark else { return }
        openMark = nil
        pendingMarks.append(SessionMarkRecord(kind: open.kind, startMs: open.startMs, endMs: atMs))
    }

    /// A break reminder went out for this session at event time `atMs`.
    public func noteBreakReminder(atMs: Int64) {
        pendingMarks.append(SessionMarkRecord(kind: .breakReminder, startMs: atMs, endMs: atMs))
    }
}

extension SessionMarkKind {
    /// The mark a detector state is stored as; nil for the states the timeline draws from
    /// flow periods and totals (flow, warming up, recovering).
    init?(_ state: FlowState) {
        switch state {
        case .interrupted: self = .interrupted
        case .idle: self = .idle
        case .flow, .warmingUp, .recovering: return nil
        }
    }
}
