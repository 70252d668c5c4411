import WireJSON

/// The `goal` push (PROTOCOL.md): the user's goal was reached in the period `key`.
extension OutboundEncoder {
    public mutating func goalReached(_ goal: UserGoal, key: String, progressMs: Int64) {
        begin("goal")
        writer.key("period"); writer.value(string: goal.period.rawValue)
        writer.key("key"); writer.value(string: key)
        writer.key("metric"); writer.value(string: goal.metric.rawValue)
        writer.key("target_ms"); writer.value(goal.targetMs)
        writer.key("progress_ms"); writer.value(progressMs)
        end(ref: nil)
    }
}
