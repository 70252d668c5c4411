public import CoachingCore

/// Users, tokens, teams and privacy settings in PostgreSQL. Ids that are not UUIDs cannot
/// name a row (the key columns are `uuid`): lookups answer "none" without a round trip, and
/// inserts refuse them with `.invalidValue`.
extension PostgresStore {
    private typealias SQL = PostgresSQL

    // MARK: Users

    private static let userColumns = "id, name, display_name, time_zone, \(SQL.milliseconds("created_at"))"

    private static func readUser(_ result: PGResult, _ row: Int) throws(StoreError) -> User {
        User(
            id: try result.text(row, 0), name: try result.text(row, 1), displayName: try result.text(row, 2),
            timeZone: try result.text(row, 3), createdAtMs: try result.integer(row, 4))
    }

    private static func requireUUID(_ id: String, _ what: String) throws(StoreError) {
        guard SQL.isUUID(id) else { throw .invalidValue(what: "\(what) id '\(id)' is not a UUID") }
    }

    public func createUser(_ user: User) throws(StoreError) {
        try Self.requireUUID(user.id, "user")
        do {
            try connection.query("""
                INSERT INTO users (id, name, display_name, time_zone, created_at) VALUES ($1, $2, $3, $4, \(SQL.timestamp("$5::bigint")))
                """, [.text(user.id), .text(user.name), .text(user.displayName), .text(user.timeZone), .integer(user.createdAtMs)])
        } catch .duplicate {
            throw .duplicate(what: "user '\(user.name)'")
        }
    }

    public func user(id: String) throws(StoreError) -> User? {
        guard SQL.isUUID(id) else { return nil }
        let result = try connection.query("SELECT \(Self.userColumns) FROM users WHERE id = $1", [.text(id)])
        return result.rowCount == 0 ? nil : try Self.readUser(result, 0)
    }

    public func user(named name: String) throws(StoreError) -> User? {
        let result = try connection.query("SELECT \(Self.userColumns) FROM users WHERE name = $1", [.text(name)])
        return result.rowCount == 0 ? nil : try Self.readUser(result, 0)
    }

    public func users() throws(StoreError) -> [User] {
        let result = try connection.query("SELECT \(Self.userColumns) FROM users ORDER BY name COLLATE \"C\"")
        return try (0..<result.rowCount).map { row throws(StoreError) in try Self.readUser(result, row) }
    }

    // MARK: Tokens

    private static let tokenColumns = """
        id, user_id, scope, secret_hash, \(SQL.milliseconds("created_at")), \(SQL.milliseconds("revoked_at"))
        """

    private static func readToken(_ result: PGResult, _ row: Int) throws(StoreError) -> TokenRecord {
        guard let scope = TokenScope(rawValue: try result.text(row, 2)) else { throw .corruptRow(table: "tokens", column: "scope") }
        return TokenRecord(
            id: try result.text(row, 0), userId: try result.text(row, 1), scope: scope, secretHash: try result.bytea(row, 3),
            createdAtMs: try result.integer(row, 4), revokedAtMs: try result.optionalInteger(row, 5))
    }

    private static func readTokens(_ result: PGResult) throws(StoreError) -> [TokenRecord] {
        try (0..<result.rowCount).map { row throws(StoreError) in try readToken(result, row) }
    }

    public func createToken(_ token: TokenRecord) throws(StoreError) {
        guard token.secretHash.count == 32 else { throw .invalidValue(what: "token secret hash must be 32 bytes") }
        guard try user(id: token.userId) != nil else { throw .notFound(what: "user \(token.userId)") }
        do {
            try connection.query("""
                INSERT INTO tokens (id, user_id, scope, secret_hash, created_at, revoked_at)
                VALUES ($1, $2, $3, $4, \(SQL.timestamp("$5::bigint")), \(SQL.timestamp("$6::bigint")))
                """, [
                    .text(token.id), .text(token.userId), .text(token.scope.rawValue), .bytes(token.secretHash),
                    .integer(token.createdAtMs), .optionalInteger(token.revokedAtMs),
                ])
        } catch .duplicate {
            throw .duplicate(what: "token \(token.id)")
        }
    }

    public func token(id: String) throws(StoreError) -> TokenRecord? {
        let result = try connection.query("SELECT \(Self.tokenColumns) FROM tokens WHERE id = $1", [.text(id)])
        return result.rowCount == 0 ? nil : try Self.readToken(result, 0)
    }

    public func token(secretHash: [UInt8]) throws(StoreError) -> TokenRecord? {
        let result = try connection.query("SELECT \(Self.tokenColumns) FROM tokens WHERE secret_hash = $1", [.bytes(secretHash)])
        return result.rowCount == 0 ? nil : try Self.readToken(result, 0)
    }

    public func tokens(userId: String?) throws(StoreError) -> [TokenRecord] {
        if let userId {
            guard SQL.isUUID(userId) else { return [] }
            return try Self.readTokens(connection.query(
                "SELECT \(Self.tokenColumns) FROM tokens WHERE user_id = $1 ORDER BY created_at, id COLLATE \"C\"", [.text(userId)]))
        }
        return try Self.readTokens(connection.query("SELECT \(Self.tokenColumns) FROM tokens ORDER BY created_at, id COLLATE \"C\""))
    }

    public func revokeToken(id: String, atMs: Int64) throws(StoreError) -> Bool {
        try connection.query("""
            UPDATE tokens SET revoked_at = \(SQL.timestamp("$1::bigint")) WHERE id = $2 AND revoked_at IS NULL
            """, [.integer(atMs), .text(id)]).affectedRows == 1
    }

    public func revokedTokenIds(sinceMs: Int64) throws(StoreError) -> [String] {
        let result = try connection.query(
            "SELECT id FROM tokens WHERE revoked_at >= \(SQL.timestamp("$1::bigint"))", [.integer(sinceMs)])
        return try (0..<result.rowCount).map { row throws(StoreError) in try result.text(row, 0) }
    }

    // MARK: Teams

    private static let teamColumns = "id, name, \(SQL.milliseconds("created_at"))"

    private static func readTeam(_ result: PGResult, _ row: Int) throws(StoreError) -> Team {
        Team(id: try result.text(row, 0), name: try result.text(row, 1), createdAtMs: try result.integer(row, 2))
    }

    public func createTeam(_ team: Team) throws(StoreError) {
        try Self.requireUUID(team.id, "team")
        do {
            try connection.query("INSERT INTO teams (id, name, created_at) VALUES ($1, $2, \(SQL.timestamp("$3::bigint")))", [
                .text(team.id), .text(team.name), .integer(team.createdAtMs),
            ])
        } catch .duplicate {
            throw .duplicate(what: "team '\(team.name)'")
        }
    }

    public func team(id: String) throws(StoreError) -> Team? {
        guard SQL.isUUID(id) else { return nil }
        let result = try connection.query("SELECT \(Self.teamColumns) FROM teams WHERE id = $1", [.text(id)])
        return result.rowCount == 0 ? nil : try Self.readTeam(result, 0)
    }

    public func team(named name: String) throws(StoreError) -> Team? {
        let result = try connection.query("SELECT \(Self.teamColumns) FROM teams WHERE name = $1", [.text(name)])
        return result.rowCount == 0 ? nil : try Self.readTeam(result, 0)
    }

    public func teams() throws(StoreError) -> [Team] {
        let result = try connection.query("SELECT \(Self.teamColumns) FROM teams ORDER BY name COLLATE \"C\"")
        return try (0..<result.rowCount).map { row throws(StoreError) in try Self.readTeam(result, row) }
    }

    public func setMembership(_ membership: TeamMembership) throws(StoreError) {
        guard try team(id: membership.teamId) != nil else { throw .notFound(what: "team \(membership.teamId)") }
        guard try user(id: membership.userId) != nil else { throw .notFound(what: "user \(membership.userId)") }
        try connection.query("""
            INSERT INTO team_members (team_id, user_id, data_sharing_consent, joined_at) VALUES ($1, $2, $3, \(SQL.timestamp("$4::bigint")))
            ON CONFLICT (team_id, user_id) DO UPDATE SET data_sharing_consent = excluded.data_sharing_consent
            """, [.text(membership.teamId), .text(membership.userId), .bool(membership.dataSharingConsent), .integer(membership.joinedAtMs)])
    }

    public func removeMembership(teamId: String, userId: String) throws(StoreError) -> Bool {
        guard SQL.isUUID(teamId), SQL.isUUID(userId) else { return false }
        return try connection.query("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2", [.text(teamId), .text(userId)])
            .affectedRows == 1
    }

    private static let membershipColumns = "team_id, user_id, data_sharing_consent, \(SQL.milliseconds("joined_at"))"

    private static func readMemberships(_ result: PGResult) throws(StoreError) -> [TeamMembership] {
        try (0..<result.rowCount).map { row throws(StoreError) in
            TeamMembership(
                teamId: try result.text(row, 0), userId: try result.text(row, 1), dataSharingConsent: try result.bool(row, 2),
                joinedAtMs: try result.integer(row, 3))
        }
    }

    public func memberships(teamId: String) throws(StoreError) -> [TeamMembership] {
        guard SQL.isUUID(teamId) else { return [] }
        return try Self.readMemberships(connection.query(
            "SELECT \(Self.membershipColumns) FROM team_members WHERE team_id = $1 ORDER BY joined_at, user_id::text COLLATE \"C\"",
            [.text(teamId)]))
    }

    public func memberships(userId: String) throws(StoreError) -> [TeamMembership] {
        guard SQL.isUUID(userId) else { return [] }
        return try Self.readMemberships(connection.query(
            "SELECT \(Self.membershipColumns) FROM team_members WHERE user_id = $1 ORDER BY joined_at, team_id::text COLLATE \"C\"",
            [.text(userId)]))
    }

    // MARK: Privacy

    public func privacySettings(userId: String) throws(StoreError) -> PrivacySettings {
        guard SQL.isUUID(userId) else { return .defaults }
        let result = try connection.query(
            "SELECT leaderboard_visible, share_project_names FROM privacy_settings WHERE user_id = $1", [.text(userId)])
        guard result.rowCount > 0 else { return .defaults }
        return PrivacySettings(leaderboardVisible: try result.bool(0, 0), shareProjectNames: try result.bool(0, 1))
    }

    public func allPrivacySettings() throws(StoreError) -> [String: PrivacySettings] {
        let result = try connection.query("SELECT user_id, leaderboard_visible, share_project_names FROM privacy_settings")
        var settings: [String: PrivacySettings] = [:]
        for row in 0..<result.rowCount {
            settings[try result.text(row, 0)] = PrivacySettings(
                leaderboardVisible: try result.bool(row, 1), shareProjectNames: try result.bool(row, 2))
        }
        return settings
    }

    public func setPrivacySettings(_ settings: PrivacySettings, userId: String, atMs: Int64) throws(StoreError) {
        guard try user(id: userId) != nil else { throw .notFound(what: "user \(userId)") }
        try connection.query("""
            INSERT INTO privacy_settings (user_id, leaderboard_visible, share_project_names, updated_at)
            VALUES ($1, $2, $3, \(SQL.timestamp("$4::bigint")))
            ON CONFLICT (user_id) DO UPDATE SET leaderboard_visible = excluded.leaderboard_visible,
                share_project_names = excluded.share_project_names, updated_at = excluded.updated_at
            """, [.text(userId), .bool(settings.leaderboardVisible), .bool(settings.shareProjectNames), .integer(atMs)])
    }
}
