public import CoachingCore

extension CoachingSettings {
    /// Rejects values that cannot work, naming the key.
    public func validate() throws(ConfigurationError) {
        if checkpointIntervalMs < 50 || checkpointIntervalMs > 30_000 {
            throw .invalid(key: "sessions.checkpoint_interval_ms", reason: "must be 50...30000 (DESIGN.md: at least every 30 s)")
        }
        if resumeWindowMs < 1_000 { throw .invalid(key: "sessions.resume_window_ms", reason: "must be ≥ 1000") }
        if maxSessionsPerUser < 1 { throw .invalid(key: "sessions.max_per_user", reason: "must be ≥ 1") }
        if maxSeqGap < 1 { throw .invalid(key: "sessions.max_seq_gap", reason: "must be ≥ 1") }
        if maxClockSkewMs < 0 || maxClockSkewMs > 86_400_000 {
            throw .invalid(key: "sessions.max_clock_skew_ms", reason: "must be 0...86400000")
        }
        if messagesPerSecond < 1 { throw .invalid(key: "limits.messages_per_second", reason: "must be ≥ 1") }
        if messageBurst < 1 { throw .invalid(key: "limits.message_burst", reason: "must be ≥ 1") }
        if maxMessageBytes < 1_024 { throw .invalid(key: "limits.max_message_bytes", reason: "must be ≥ 1024") }
        if maxSubscriptionsPerConnection < 1 { throw .invalid(key: "limits.subscriptions_per_connection", reason: "must be ≥ 1") }
        if maxConnectionsPerUser < 1 { throw .invalid(key: "limits.connections_per_user", reason: "must be ≥ 1") }
        if maxConnectionsPerIP < 1 { throw .invalid(key: "limits.connections_per_ip", reason: "must be ≥ 1") }
        if helloTimeoutMs < 100 { throw .invalid(key: "auth.hello_timeout_ms", reason: "must be ≥ 100") }
        if revocationCheckMs < 100 || revocationCheckMs > 600_000 {
            throw .invalid(key: "auth.revocation_check_ms", reason: "must be 100…600000")
        }
        if publishIntervalMs < 100 { throw .invalid(key: "leaderboard.publish_interval_ms", reason: "must be ≥ 100") }
        if maxConsecutiveErrors < 1 { throw .invalid(key: "limits.max_consecutive_errors", reason: "must be ≥ 1") }
    }
}
