public import CoachingCore

/// Users, tokens, teams and privacy settings in SQLite.
extension SQLiteStore {
    // MARK: Users

    public func createUser(_ user: User) throws(StoreError) {
        do {
            try connection.statement("""
                INSERT INTO users (id, name, display_name, time_zone, created_at_ms) VALUES (?, ?, ?, ?, ?)
                """).run([.text(user.id), .text(user.name), .text(user.displayName), .text(user.timeZone), .integer(user.createdAtMs)])
        } catch .duplicate {
            throw .duplicate(what: "user '\(user.name)'")
        }
    }

    private static let userColumns = "id, name, display_name, time_zone, created_at_ms"

    private static func readUser(_ row: SQLiteRow) throws(StoreError) -> User {
        User(id: try row.text(0), name: try row.text(1), displayName: try row.text(2), timeZone: try row.text(3), createdAtMs: try row.integer(4))
    }

    public func user(id: String) throws(StoreError) -> User? {
        try connection.statement(text: "SELECT \(Self.userColumns) FROM users WHERE id = ?").queryFirst([.text(id)], Self.readUser)
    }

    public func user(named name: String) throws(StoreError) -> User? {
        try connection.statement(text: "SELECT \(Self.userColumns) FROM users WHERE name = ?").queryFirst([.text(name)], Self.readUser)
    }

    public func users() throws(StoreError) -> [User] {
        try connection.statement(text: "SELECT \(Self.userColumns) FROM users ORDER BY name").query([], Self.readUser)
    }

    // MARK: Tokens

    public func createToken(_ token: TokenRecord) throws(StoreError) {
        guard token.secretHash.count == 32 else { throw .invalidValue(what: "token secret hash must be 32 bytes") }
        guard try user(id: token.userId) != nil else { throw .notFound(what: "user \(token.userId)") }
        do {
            try connection.statement("""
                INSERT INTO tokens (id, user_id, scope, secret_hash, created_at_ms, revoked_at_ms) VALUES (?, ?, ?, ?, ?, ?)
                """).run([
                    .text(token.id), .text(token.userId), .text(token.scope.rawValue), .blob(token.secretHash),
                    .integer(token.createdAtMs), .optionalInteger(token.revokedAtMs),
                ])
        } catch .duplicate {
            throw .duplicate(what: "token \(token.id)")
        }
    }

    public func revokedTokenIds(sinceMs: Int64) throws(StoreError) -> [String] {
        try connection.statement(cachedAs: "tokens revoked since", text: "SELECT id FROM tokens WHERE revoked_at_ms >= ?")
            .query([.integer(sinceMs)]) { row throws(StoreError) in try row.text(0) }
    }

    private static let tokenColumns = "id, user_id, scope, secret_hash, created_at_ms, revoked_at_ms"

    private static func readToken(_ row: SQLiteRow) throws(StoreError) -> TokenRecord {
        guard let scope = TokenScope(rawValue: try row.text(2)) else { throw .corruptRow(table: "tokens", column: "scope") }
        return TokenRecord(
            id: try row.text(0), userId: try row.text(1), scope: scope, secretHash: try row.blob(3),
            createdAtMs: try row.integer(4), revokedAtMs: try row.optionalInteger(5))
    }

    public func token(id: String) throws(StoreError) -> TokenRecord? {
        try connection.statement(text: "SELECT \(Self.tokenColumns) FROM tokens WHERE id = ?").queryFirst([.text(id)], Self.readToken)
    }

    public func token(secretHash: [UInt8]) throws(StoreError) -> TokenRecord? {
        try connection.statement(text: "SELECT \(Self.tokenColumns) FROM tokens WHERE secret_hash = ?").queryFirst([.blob(secretHash)], Self.readToken)
    }

    public func tokens(userId: String?) throws(StoreError) -> [TokenRecord] {
        if let userId {
            return try connection.statement(text: "SELECT \(Self.tokenColumns) FROM tokens WHERE user_id = ? ORDER BY created_at_ms, id")
                .query([.text(userId)], Self.readToken)
        }
        return try connection.statement(text: "SELECT \(Self.tokenColumns) FROM tokens ORDER BY created_at_ms, id").query([], Self.readToken)
    }

    public func revokeToken(id: String, atMs: Int64) throws(StoreError) -> Bool {
        try connection.statement("UPDATE tokens SET revoked_at_ms = ? WHERE id = ? AND revoked_at_ms IS NULL")
            .run([.integer(atMs), .text(id)]) == 1
    }

    // MARK: Teams

    public func createTeam(_ team: Team) throws(StoreError) {
        do {
            try connection.statement("INSERT INTO teams (id, name, created_at_ms) VALUES (?, ?, ?)")
                .run([.text(team.id), .text(team.name), .integer(team.createdAtMs)])
        } catch .duplicate {
            throw .duplicate(what: "team '\(team.name)'")
        }
    }

    private static func readTeam(_ row: SQLiteRow) throws(StoreError) -> Team {
        Team(id: try row.text(0), name: try row.text(1), createdAtMs: try row.integer(2))
    }

    public func team(id: String) throws(StoreError) -> Team? {
        try connection.statement("SELECT id, name, created_at_ms FROM teams WHERE id = ?").queryFirst([.text(id)], Self.readTeam)
    }

    public func team(named name: String) throws(StoreError) -> Team? {
        try connection.statement("SELECT id, name, created_at_ms FROM teams WHERE name = ?").queryFirst([.text(name)], Self.readTeam)
    }

    public func teams() throws(StoreError) -> [Team] {
        try connection.statement("SELECT id, name, created_at_ms FROM teams ORDER BY name").query([], Self.readTeam)
    }

    public func setMembership(_ membership: TeamMembership) throws(StoreError) {
        guard try team(id: membership.teamId) != nil else { throw .notFound(what: "team \(membership.teamId)") }
        guard try user(id: membership.userId) != nil else { throw .notFound(what: "user \(membership.userId)") }
        try connection.statement("""
            INSERT INTO team_members (team_id, user_id, data_sharing_consent, joined_at_ms) VALUES (?, ?, ?, ?)
            ON CONFLICT (team_id, user_id) DO UPDATE SET data_sharing_consent = excluded.data_sharing_consent
            """).run([.text(membership.teamId), .text(membership.userId), .bool(membership.dataSharingConsent), .integer(membership.joinedAtMs)])
    }

    public func removeMembership(teamId: String, userId: String) throws(StoreError) -> Bool {
        try connection.statement("DELETE FROM team_members WHERE team_id = ? AND user_id = ?").run([.text(teamId), .text(userId)]) == 1
    }

    private static func readMembership(_ row: SQLiteRow) throws(StoreError) -> TeamMembership {
        TeamMembership(teamId: try row.text(0), userId: try row.text(1), dataSharingConsent: try row.bool(2), joinedAtMs: try row.integer(3))
    }

    public func memberships(teamId: String) throws(StoreError) -> [TeamMembership] {
        try connection.statement("""
            SELECT team_id, user_id, data_sharing_consent, joined_at_ms FROM team_members WHERE team_id = ? ORDER BY joined_at_ms, user_id
            """).query([.text(teamId)], Self.readMembership)
    }

    public func memberships(userId: String) throws(StoreError) -> [TeamMembership] {
        try connection.statement("""
            SELECT team_id, user_id, data_sharing_consent, joined_at_ms FROM team_members WHERE user_id = ? ORDER BY joined_at_ms, team_id
            """).query([.text(userId)], Self.readMembership)
    }

    // MARK: Privacy

    public func privacySettings(userId: String) throws(StoreError) -> PrivacySettings {
        try connection.statement("SELECT leaderboard_visible, share_project_names FROM privacy_settings WHERE user_id = ?")
            .queryFirst([.text(userId)]) { row throws(StoreError) in
                PrivacySettings(leaderboardVisible: try row.bool(0), shareProjectNames: try row.bool(1))
            } ?? .defaults
    }

    public func allPrivacySettings() throws(StoreError) -> [String: PrivacySettings] {
        let rows = try connection.statement("SELECT user_id, leaderboard_visible, share_project_names FROM privacy_settings")
            .query { row throws(StoreError) in
                (try row.text(0), PrivacySettings(leaderboardVisible: try row.bool(1), shareProjectNames: try row.bool(2)))
            }
        return Dictionary(rows, uniquingKeysWith: { _, last in last })
    }

    public func setPrivacySettings(_ settings: PrivacySettings, userId: String, atMs: Int64) throws(StoreError) {
        guard try user(id: userId) != nil else { throw .notFound(what: "user \(userId)") }
        try connection.statement("""
            INSERT INTO privacy_settings (user_id, leaderboard_visible, share_project_names, updated_at_ms) VALUES (?, ?, ?, ?)
            ON CONFLICT (user_id) DO UPDATE SET leaderboard_visible = excluded.leaderboard_visible,
                share_project_names = excluded.share_project_names, updated_at_ms = excluded.updated_at_ms
            """).run([.text(userId), .bool(settings.leaderboardVisible), .bool(settings.shareProjectNames), .integer(atMs)])
    }
}
