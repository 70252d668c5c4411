public import WireJSON

/// `goal.set` (PROTOCOL.md): `period` `day`|`week`, `metric` `active`|`flow`, `target_ms`
/// 1…one week; `target_ms` 0 removes the goal (then `period` and `metric` may be omitted).
extension InboundDecoder {
    public mutating func decodeGoalSet(_ object: JSONObject) throws(AppError) -> InboundMessage {
        let target = try object.integer("target_ms", in: 0...UserGoal.maxTargetMs)
        guard target > 0 else { return .goalSet(nil) }
        let periodView = try object.text("period", maximumBytes: 8)
        let period: UserGoal.Period
        if periodView == "day" {
            period = .day
        } else if periodView == "week" {
            period = .week
        } else {
            throw .invalidField("period", "must be \"day\" or \"week\"")
        }
        let metricView = try object.text("metric", maximumBytes: 8)
        let metric: UserGoal.Metric
        if metricView == "active" {
            metric = .active
        } else if metricView == "flow" {
            metric = .flow
        } else {
            throw .invalidField("metric", "must be \"active\" or \"flow\"")
        }
        return .goalSet(UserGoal(period: period, metric: metric, targetMs: target))
    }
}
