public import CoachingCore

/// Export and purge of one user's data (`GET /v1/privacy/export`, `DELETE /v1/privacy/data`).
extension PostgresStore {
    public func exportUser(id: String) throws(StoreError) -> UserExport? {
        // One snapshot for the whole document: a batch committing meanwhile shows up in all
        // of it or in none of it.
        try connection.transaction { () throws(StoreError) -> UserExport? in
            try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
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
    }

    @discardableResult
    public func purgeUser(id: String, deleteAccount: Bool) throws(StoreError) -> PurgeSummary {
        var summary = PurgeSummary()
        guard PostgresSQL.isUUID(id) else {
            for (table, _) in PostgresSchema.userTables where deleteAccount || (table != "users" && table != "tokens") {
                summary.rowsDeleted[table] = 0
            }
            return summary
        }
        return try connection.transaction { () throws(StoreError) -> PurgeSummary in
            for (table, column) in PostgresSchema.userTables {
                if !deleteAccount && (table == "users" || table == "tokens") { continue }
                // Table and column names come from the fixed schema list, never from input.
                summary.rowsDeleted[table] = try connection.query("DELETE FROM \(table) WHERE \(column) = $1", [.text(id)]).affectedRows
            }
            if summary.rowsDeleted.values.contains(where: { $0 > 0 }) {
                try connection.query(PostgresSchema.purgeNoticeSQL, [.text(id)])
            }
            return summary
        }
    }
}
