import CoachingCore
import LoopKit
import Persistence
import WSProtocol

/// The HTTP API under `/v1/` (docs/HTTP_API.md) and the WakaTime-compatible API under
/// `/api/`: answered off the loop — reads by the API's store reader thread, writes (the
/// purge, heartbeats) by the writer thread (after every checkpoint queued before them) —
/// and written back through this loop's mailbox.
extension EventLoop {
    /// A complete head for the API: reads its body first when it has one.
    func serveAPI(_ connection: ClientConnection, _ head: HTTPRequestHead, trailing: UnsafeMutableRawBufferPointer, from offset: Int) {
        guard services != nil, APIRouter.handles(path: head.path) || WakaTimeRouter.handles(path: head.path) else {
            respond(connection, status: 404, reason: "Not Found", contentType: "text/plain",
                    body: Array("no route for \(head.path)\n".utf8))
            return
        }
        let maxBody = WakaTimeRouter.handles(path: head.path) ? WakaTimeRouter.maxBodyBytes : APIRouter.maxBodyBytes
        switch APIBody.expectedLength(head, maxBytes: maxBody) {
        case .refused(let status, let reason, let message):
            respond(connection, status: status, reason: reason, contentType: "text/plain", body: Array((message + "\n").utf8))
        case .length(let length):
            var body = APIBody(head: head, expected: length)
            if offset < trailing.count { body.append(UnsafeRawBufferPointer(rebasing: trailing[offset...])) }
            if body.isComplete {
                dispatchAPI(connection, body)
            } else {
                // The rest arrives in later reads; the handshake deadline bounds the wait.
                connection.pendingAPIBody = body
            }
        }
    }

    /// More bytes of a request body.
    func receivedAPIBodyBytes(_ connection: ClientConnection, _ bytes: UnsafeMutableRawBufferPointer) {
        guard var body = connection.pendingAPIBody else { return }
        body.append(UnsafeRawBufferPointer(bytes))
        if body.isComplete {
            connection.pendingAPIBody = nil
            dispatchAPI(connection, body)
        } else {
            connection.pendingAPIBody = body
        }
    }

    private func dispatchAPI(_ connection: ClientConnection, _ body: APIBody) {
        guard let services else { return }
        let head = body.head
        let request = APIRequest(head: head, body: body.bytes)
        let isCompat = WakaTimeRouter.handles(path: head.path)
        let mailbox = mailbox
        let token = connection.token
        let mailboxes = services.mailboxes
        let leaderboards = services.leaderboards
        let cluster = services.cluster
        let nowMs = wallClockMs()
        let job: @Sendable (any Store) -> Void = { store in
            let context = APIContext(store: store, leaderboards: leaderboards, nowMs: nowMs, storedDaysChanged: { userId, added in
                guard let cluster else {
                    mailboxes[CoachingShard.homeLoop(of: userId, loops: mailboxes.count)].post(.storedDaysChanged(userId: userId, added: added))
                    return
                }
                // The user's owner may be another node: every node hears it, the owner counts it.
                for day in added {
                    cluster.announce(.heartbeatTimeAdded(userId: userId, day: day.day, activeMs: day.activeMs, languageMs: day.languageMs))
                }
            }, purgeLiveState: { userId in
                for loop in mailboxes { loop.post(.purgeUser(userId: userId)) }
            })
            let response = isCompat ? WakaTimeRouter.handle(request, context: context) : APIRouter.handle(request, context: context)
            mailbox.post(.httpResponse(token: token, response: HTTPAnswer(
                status: response.status, reason: response.reason, contentType: response.contentType,
                headers: response.extraHeaders, body: response.body)))
        }
        let writes = head.method == "DELETE" || (isCompat && WakaTimeRouter.writes(method: head.method, path: head.path))
        let queued = writes ? services.writer.submit(job) : services.apiReader.submit(job)
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
