import CoachingCore
import Foundation
import WSProtocol
import WireJSON

/// The user's privacy rights over their data:
/// - `GET /v1/privacy/export`: everything stored about the caller as one JSON document
///   (``UserExportDocument``), offered as a file download;
/// - `DELETE /v1/privacy/data`: deletes every row about the caller (the account and its
///   tokens stay, so the same token still works), removes them from every leaderboard and
///   drops their live state on every loop. Answers the rows deleted per table.
enum PrivacyEndpoints {
    static func export(_ caller: APICaller, store: any Store, nowMs: Int64) throws(APIError) -> APIResponse {
        let userId = caller.user.id
        guard let export = try APIRouter.read({ () throws(StoreError) in try store.exportUser(id: userId) }) else {
            throw .notFound("the account no longer exists")
        }
        let goal = try APIRouter.read { () throws(StoreError) in try store.goal(userId: userId) }
        let reached = try APIRouter.read { () throws(StoreError) in try store.reachedGoalPeriods(userId: userId) }
        let body = UserExportDocument.encode(export, goal: goal, goalsReached: reached, exportedAtMs: nowMs)
        let filename = "flowcoach-export-" + Self.filenameSafe(caller.user.name, fallback: userId) + ".json"
        return APIResponse(
            status: 200, json: body,
            extraHeaders: [HTTPHeader(name: "Content-Disposition", value: #"attachment; filename="\#(filename)""#)])
    }

    static func purge(_ caller: APICaller, context: APIContext) throws(APIError) -> APIResponse {
        // Erasing is destructive: a dashboard's read token, which may leak through a
        // browser, must not be able to do it. The ingest token is the owner's own key.
        guard caller.token.scope == .ingest else {
            throw .forbidden("DELETE /v1/privacy/data erases all your data and needs an ingest token; a read token may only read")
        }
        let userId = caller.user.id
        let store = context.store
        let summary = try APIRouter.read { () throws(StoreError) in try store.purgeUser(id: userId, deleteAccount: false) }
        // The user vanishes from every board at the owner's next tick, and from every loop.
        context.leaderboards?.post(.purge(userId: userId))
        context.purgeLiveState(userId)
        return APIRouter.ok { json in
            json.beginObject()
            json.key("user_id"); json.value(string: userId)
            json.key("account_kept"); json.value(true)
            json.key("deleted")
            json.beginObject()
            for (table, rows) in summary.rowsDeleted.sorted(by: { $0.key < $1.key }) {
                json.key(string: table); json.value(rows)
            }
            json.endObject()
            json.key("total"); json.value(summary.total)
            json.endObject()
        }
    }

    /// The user's name restricted to `[A-Za-z0-9._-]` (a quoted-string filename that can
    /// break neither the header nor a file system); `fallback` when nothing is left.
    static func filenameSafe(_ name: String, fallback: String) -> String {
        func safe(_ text: String) -> String {
            String(decoding: text.utf8.prefix(64).filter { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                    true
                default:
                    false
                }
            }, as: UTF8.self)
        }
        let cleaned = safe(name)
        if !cleaned.isEmpty && cleaned.contains(where: { $0 != "." }) { return cleaned }
        let backup = safe(fallback)
        return backup.isEmpty ? "user" : backup
    }
}
