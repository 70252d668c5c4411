import CoachingCore
import LoopKit
import Persistence
import WSProtocol

/// The HTTP API under `/v1/` (docs/HTTP_API.md): answered off the loop — reads by the API's
/// store reader thread, the purge by the writer thread (after every checkpoint queued before
/// it) — and written back through this loop's mailbox.
extension EventLoop {
    func serveAPI(_ connection: ClientConnection, _ head: HTTPRequestHead) {
        guard let services, APIRouter.handles(path: head.path) else {
            respond(connection, status: 404, reason: "Not Found", contentType: "text/plain",
                    body: Array("no route for \(head.path)\n".utf8))
            return
        }
        let request = APIRequest(head: head)
        let mailbox = mailbox
        let token = connection.token
        let mailboxes = services.mailboxes
        let leaderboards = services.leaderboards
        let nowMs = wallClockMs()
        let job: @Sendable (any Store) -> Void = { store in
            let context = APIContext(store: store, leaderboards: leaderboards, nowMs: nowMs) { userId in
                for loop in mailboxes { loop.post(.purgeUser(userId: userId)) }
            }
            let response = APIRouter.handle(request, context: context)
            mailbox.post(.httpResponse(token: token, response: HTTPAnswer(
                status: response.status, reason: response.reason, contentType: response.contentType,
                headers: response.extraHeaders, body: response.body)))
        }
        let queued = head.method == "DELETE" ? services.writer.submit(job) : services.apiReader.submit(job)
        guard queued else {
            respond(connection, status: 503, reason: "Service Unavailable", contentType: "text/plain",
                    body: Array("the store is busy; retry shortly\n".utf8), headers: [HTTPHeader(name: "Retry-After", value: "1")])
            return
        }
    }

    func receivedHTTPAnswer(token: UInt64, _ answer: HTTPAnswer) {
        guard let connection = connection(for: token) else { return }
        respond(connection, status: answer.status, reason: answer.reason, contentType: answer.contentType,
                body: answer.body, headers: answer.headers)
        flush(connection)
    }
}
