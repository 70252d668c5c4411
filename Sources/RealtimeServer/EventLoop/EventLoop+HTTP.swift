import CoachingCore
import Persistence
import Logging
import LoopKit
import WSProtocol

/// The HTTP phase: parse the request, answer plain routes, or upgrade to WebSocket.
extension EventLoop {
    /// Feeds request bytes to the connection's parser; on a complete head, routes it.
    func receivedRequestBytes(_ connection: ClientConnection, _ bytes: UnsafeMutableRawBufferPointer) {
        guard let result = connection.requestParser?.parse(UnsafeRawBufferPointer(bytes)) else { return }
        switch result {
        case .needMoreData:
            return
        case .failed(let error):
            connection.requestParser = nil
            stats.add(.handshakesRejected)
            logger.debug("bad HTTP request", metadata: ["peer": "\(connection.peer)", "reason": "\(error.reason)"])
            writeOutput(to: connection) { output in
                HTTPResponseWriter.write(
                    status: error.httpStatus, headers: [HTTPHeader(name: "Connection", value: "close")],
                    contentType: "text/plain; charset=utf-8", body: Array((error.reason + "\n").utf8), into: &output)
            }
            closeAfterFlush(connection)
        case .complete(let head, let consumed):
            connection.requestParser = nil
            route(connection, head, trailing: bytes, from: consumed)
        }
    }

    private func route(_ connection: ClientConnection, _ head: HTTPRequestHead, trailing: UnsafeMutableRawBufferPointer, from offset: Int) {
        let path = head.path
        if connection.overIPLimit {
            respond(connection, status: 429, reason: "Too Many Requests", contentType: "text/plain",
                    body: Array("too many connections from your address (limits.connections_per_ip)\n".utf8),
                    headers: [HTTPHeader(name: "Retry-After", value: "5")])
            return
        }
        switch path {
        case "/v1/ws":
            upgradeCoaching(connection, head, trailing: trailing, from: offset)
        case "/echo" where configuration.echoEnabled:
            upgrade(connection, head, route: .echo, policy: echoPolicy, trailing: trailing, from: offset)
        case "/healthz":
            respond(connection, status: 200, reason: "OK", contentType: "text/plain", body: Array("ok\n".utf8))
        case "/readyz":
            if let services, !services.writer.metrics.snapshot().storeAvailable {
                respond(connection, status: 503, reason: "Service Unavailable", contentType: "text/plain",
                        body: Array("store unreachable: the writer is retrying\n".utf8))
            } else {
                respond(connection, status: 200, reason: "OK", contentType: "text/plain", body: Array("ready\n".utf8))
            }
        case "/metrics":
            let text = MetricsText.render(allStats, writer: services?.writer.metrics.snapshot(),
                                          droppedLeaderboardInputs: services?.leaderboards.droppedInputs)
            respond(connection, status: 200, reason: "OK", contentType: "text/plain; version=0.0.4", body: Array(text.utf8))
        case "/" where head.method == "GET":
            respond(connection, status: 200, reason: "OK", contentType: "text/html; charset=utf-8", body: DashboardPage.html)
        default:
            if path.hasPrefix("/v1/") || path.hasPrefix("/api/") {
                serveAPI(connection, head, trailing: trailing, from: offset)
            } else {
                respond(connection, status: 404, reason: "Not Found", contentType: "text/plain", body: Array("no route for \(path)\n".utf8))
            }
        }
    }

    private func upgrade(
        _ connection: ClientConnection, _ head: HTTPRequestHead, route: ClientConnection.Route,
        policy: HandshakePolicy, trailing: UnsafeMutableRawBufferPointer, from offset: Int
    ) {
        switch Handshake.accept(head, policy: policy) {
        case .reject(let rejection):
            refuseUpgrade(connection, rejection)
        case .accept(let response):
            openWebSocket(connection, response, route: route)
            if offset < trailing.count {
                // Frames that arrived in the same read as the request (wsproto's trailing_data).
                receivedFrameBytes(connection, trailing, from: offset)
            }
        }
    }

    /// Answers a refused upgrade with its 4xx and closes after it.
    func refuseUpgrade(_ connection: ClientConnection, _ rejection: HTTPRejection) {
        stats.add(.handshakesRejected)
        logger.debug("upgrade refused", metadata: ["peer": "\(connection.peer)", "status": "\(rejection.status)"])
        writeOutput(to: connection) { rejection.write(into: &$0) }
        closeAfterFlush(connection)
    }

    /// Writes the 101 answer and switches the connection to WebSocket framing.
    func openWebSocket(_ connection: ClientConnection, _ response: HandshakeResponse, route: ClientConnection.Route) {
        writeOutput(to: connection) { response.write(into: &$0) }
        var limits = Limits()
        if route == .coaching {
            // Messages over the application limit get `too_large` and the connection stays;
            // only far larger ones fail the connection with 1009.
            let hardLimit = configuration.coaching.maxMessageBytes * 2
            limits.maxFrameSize = hardLimit
            limits.maxMessageSize = hardLimit
        } else {
            limits.maxFrameSize = configuration.maxFrameBytes
            limits.maxMessageSize = configuration.maxMessageBytes
        }
        // RFC 7692: the agreed permessage-deflate parameters, if the handshake accepted an offer.
        let transform = response.extensions.lazy.compactMap { DeflateParameters(response: $0) }.first.map {
            PerMessageDeflateTransform(parameters: $0, configuration: deflateConfiguration)
        }
        connection.endpoint = WebSocketEndpoint(role: .server, limits: limits, transform: transform)
        connection.phase = .webSocket
        connection.route = route
        connection.deadlineMs = .max
        stats.add(.webSocketsOpen)
    }

    /// Plain HTTP answer; the connection closes after it (no keep-alive on this port).
    func respond(
        _ connection: ClientConnection, status: Int, reason: String, contentType: String, body: [UInt8],
        headers: [HTTPHeader] = []
    ) {
        stats.add(.httpRequests)
        writeOutput(to: connection) { output in
            HTTPResponseWriter.write(
                status: status, reason: reason,
                headers: [HTTPHeader(name: "Cache-Control", value: "no-store"), HTTPHeader(name: "Connection", value: "close")] + headers,
                contentType: contentType, body: body, into: &output)
        }
        closeAfterFlush(connection)
    }

    /// Stops reading meaning into input; the socket closes once output is flushed.
    func closeAfterFlush(_ connection: ClientConnection) {
        guard connection.phase != .closingAfterFlush && connection.phase != .lingering else { return }
        if connection.tls != nil {
            // Our last plaintext goes into TLS before the close_notify alert.
            encryptCork(for: connection)
            connection.tls?.shutdown()
        }
        connection.phase = .closingAfterFlush
        connection.deadlineMs = nowMs + configuration.closeTimeoutMs
    }
}
