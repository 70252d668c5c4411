import ArgumentParser
import CoachingCore
import Persistence
import RealtimeServer

/// `--scope ingest|read` (a local mirror of `TokenScope`, which lives in RealtimeServer).
enum ScopeArgument: String, ExpressibleByArgument, CaseIterable {
    case ingest
    case read

    var scope: TokenScope {
        switch self {
        case .ingest: .ingest
        case .read: .read
        }
    }
}

/// `flowcoach token create|list|revoke`.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke API tokens.",
        subcommands: [Create.self, List.self, Revoke.self])

    /// `flowcoach token create USER --scope ingest|read`: prints the token once.
    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token and print it once (only its SHA-256 is stored).")

        @Argument(help: "User name or id.")
        var user: String

        @Option(help: "ingest (editor extensions) or read (dashboards).")
        var scope: ScopeArgument

        @Flag(help: "Issue a WakaTime-form key (waka_<uuid>) for WakaTime plugins (docs/CLIENTS.md).")
        var wakatime = false

        @OptionGroup var options: DatabaseOptions

        func run() throws {
            let store = try options.openStore()
            let owner = try Admin.user(user, in: store)
            if wakatime {
                // The record's public id is an ordinary one (list and revoke use it); the
                // key itself is found by its hash.
                let key = WakaTimeKey.generate()
                let id = AccessToken.generate(scope: scope.scope).id
                try store.createToken(TokenRecord(
                    id: id, userId: owner.id, scope: scope.scope, secretHash: key.secretHash, createdAtMs: Admin.nowMs()))
                print(key.text)
                Admin.note("WakaTime key \(id) (\(scope.rawValue)) for \(owner.name): shown once, store it now (the Python client wants it without waka_)")
                return
            }
            let token = AccessToken.generate(scope: scope.scope)
            try store.createToken(TokenRecord(
                id: token.id, userId: owner.id, scope: scope.scope, secretHash: token.secretHash, createdAtMs: Admin.nowMs()))
            print(token.text)
            Admin.note("token \(token.id) (\(scope.rawValue)) for \(owner.name): shown once, store it now")
        }
    }

    /// `flowcoach token list [USER]`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (ids only; secrets are never stored).")

        @Argument(help: "Only this user's tokens (name or id).")
        var user: String?

        @OptionGroup var options: DatabaseOptions

        func run() throws {
            let store = try options.openStore()
            let owner = try user.map { try Admin.user($0, in: store) }
            let names = Dictionary(try store.users().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
            let tokens = try store.tokens(userId: owner?.id)
            guard !tokens.isEmpty else {
                print("no tokens")
                return
            }
            Admin.printTable(
                ["ID", "USER", "SCOPE", "CREATED", "STATUS"],
                tokens.map { token in
                    [token.id, names[token.userId] ?? token.userId, token.scope.rawValue, Admin.timestamp(token.createdAtMs),
                     token.revokedAtMs.map { "revoked \(Admin.timestamp($0))" } ?? "active"]
                })
        }
    }

    /// `flowcoach token revoke ID`.
    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by its id (the 8 characters after fc_x_).")

        @Argument(help: "Token id, or the whole token.")
        var id: String

        @OptionGroup var options: DatabaseOptions

        func run() throws {
            let store = try options.openStore()
            let tokenId = AccessToken(parsing: id)?.id ?? id
            guard let token = try store.token(id: tokenId) else { throw StoreError.notFound(what: "token \(tokenId)") }
            if try store.revokeToken(id: token.id, atMs: Admin.nowMs()) {
                print("revoked token \(token.id); running servers close its open connections within auth.revocation_check_ms")
            } else {
                print("token \(token.id) was already revoked")
            }
        }
    }
}
