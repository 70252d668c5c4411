import WSProtocol

/// The HTTP API under `/v1/` (answered off the loop by the store reader).
extension EventLoop {
    func serveAPI(_ connection: ClientConnection, _ head: HTTPRequestHead) {
        respond(connection, status: 404, reason: "Not Found", contentType: "text/plain",
                body: Array("no route for \(head.path)\n".utf8))
    }

    func receivedHTTPAnswer(token: UInt64, _ answer: HTTPAnswer) {
        guard let connection = connection(for: token) else { return }
        respond(connection, status: answer.status, reason: answer.reason, contentType: answer.contentType,
                body: answer.body, headers: answer.headers)
        flush(connection)
    }
}
