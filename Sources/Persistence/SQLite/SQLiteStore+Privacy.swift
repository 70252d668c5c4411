public import CoachingCore

/// Export and purge of one user's data (`GET /v1/privacy/export`, `DELETE /v1/privacy/data`).
extension SQLiteStore {
    public func exportUser(id: String) throws(StoreError) -> UserExport? {
        guard let user = try user(id: id) else { return nil }
        let tokens = try tokens(userId: id).map {
            UserExport.TokenInfo(id: $0.id, scope: $0.scope, createdAtMs: $0.createdAtMs, revokedAtMs: $0.revokedAtMs)
        }
        return UserExport(
            user: user,
            privacy: try privacySettings(userId: id),
            tokens: tokens,
            teams: try memberships(userId: id),
            sessions: try sessions(userId: id, fromMs: .min, toMs: .max, limit: Int(Int32.max)),
            daily: try dailyAggregates(fromDay: "", userId: id),
            baseline: try baseline(userId: id))
    }

    @discardableResult
    public func purgeUser(id: String, deleteAccount: Bool) throws(StoreError) -> PurgeSummary {
        try transaction { () throws(StoreError) in
            var summary = PurgeSummary()
            for (table, column) in SQLiteSchema.userTables {
                if !deleteAccount && (table == "users" || table == "tokens") { continue }
                // Table and column names come from the fixed schema list, never from input.
                let deleted = try connection.statement(text: "DELETE FROM \(table) WHERE \(column) = ?").run([.text(id)])
                summary.rowsDeleted[table] = deleted
            }
            return summary
        }
    }
}
