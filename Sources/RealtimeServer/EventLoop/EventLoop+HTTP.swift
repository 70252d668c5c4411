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
        // RFC 7230 §2.6: only HTTP/1.x is spoken here; §5.4: a server MUST answer 400 to an
        // HTTP/1.1 request without Host.
        guard head.version.major == 1 else {
            respond(connection, status: 505, reason: "HTTP Version Not Supported", contentType: "text/plain",
                    body: Array("only HTTP/1.0 and HTTP/1.1 are supported\n".utf8))
            return
        }
        if head.version >= .http1_1 && head.firstValue(forName: "Host") == nil {
            respond(connection, status: 400, reason: "Bad Request", contentType: "text/plain",
                    body: Array("HTTP/1.1 requests need a Host header\n".utf8))
            return
        }
        // RFC 7231 §6.5.5: the plain routes answer GET only, and say so in Allow.
        if (["/", "/healthz", "/readyz"].contains(path) || (path == "/metrics" && configuration.metricsListen == nil)) && head.method != "GET" {
            respond(connection, status: 405, reason: "Method Not Allowed", contentType: "text/plain",
                    body: Array("\(path) answers GET only\n".utf8), headers: [HTTPHeader(name: "Allow", value: "GET")])
            return
        }
        // Operators may restrict which pages open WebSockets. A request without Origin is not
        // a browser page's, and tokens (never cookies) authenticate, so it is let through.
        if (path == "/v1/ws" || path == "/echo") && !configuration.allowedOrigins.isEmpty,
            let origin = head.firstValue(forName: "Origin"), !configuration.allowedOrigins.contains(origin.lowercased())
        {
            respond(connection, status: 403, reason: "Forbidden", contentType: "text/plain",
                    body: Array("origin not allowed (websocket.allowed_origins)\n".utf8))
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
            } else if let cluster = services?.cluster, !cluster.isReady || shutdownDeadlineMs != nil {
                respond(connection, status: 503, reason: "Service Unavailable", contentType: "text/plain",
                        body: Array("cluster session down or draining: no new users here\n".utf8))
            } else {
                respond(connection, status: 200, reason: "OK", contentType: "text/plain", body: Array("ready\n".utf8))
            }
        case "/metrics" where configuration.metricsListen == nil:  // else only on its own address
            if let required = configuration.metricsToken, !MetricsAccess.allows(head, token: required) {
                respond(connection, status: 401, reason: "Unauthorized", contentType: "text/plain",
                        body: Array("/metrics needs Authorization: Bearer <metrics.token>\n".utf8),
                        headers: [HTTPHeader(name: "WWW-Authenticate", value: "Bearer realm=\"metrics\"")])
                return
            }
            let text = MetricsText.render(allStats, writer: services?.writer.metrics.snapshot(),
                                          droppedLeaderboardInputs: services?.leaderboards.droppedInputs)
                + (services?.cluster.map(ClusterMetrics.render) ?? "")
            respond(connection, status: 200, reason: "OK", contentType: "text/plain; version=0.0.4", body: Array(text.utf8))
        case "/":
            respond(connection, status: 200, reason: "OK", contentType: "text/html; charset=utf-8", body: DashboardPage.html,
                    headers: DashboardPage.securityHeaders)
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
        checkAtNextSweep(connection)
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
                headers: Self.standardHeaders(adding: headers),
                contentType: contentType, body: body, into: &output)
        }
        closeAfterFlush(connection)
    }

    /// `Cache-Control: no-store`, `X-Content-Type-Options: nosniff` and `Connection: close`
    /// on every plain answer, unless `extra` sets one of them itself (an API answer carries
    /// its own Cache-Control: one header, never two).
    static func standardHeaders(adding extra: [HTTPHeader]) -> [HTTPHeader] {
        let defaults = [
            HTTPHeader(name: "Cache-Control", value: "no-store"), HTTPHeader(name: "X-Content-Type-Options", value: "nosniff"),
            HTTPHeader(name: "Connection", value: "close"),
        ]
        let named = Set(extra.map { $0.name.lowercased() })
        return defaults.filter { !named.contains($0.name.lowercased()) } + extra
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
        scheduleCheck(connection, atMs: connection.deadlineMs)
    }
}
