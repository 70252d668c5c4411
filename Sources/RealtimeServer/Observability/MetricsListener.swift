import CoachingCore
import CLinux
import Foundation
import Glibc
import LoopKit
import Persistence
import Synchronization
import WSProtocol

/// `/metrics` on its own address (`metrics.listen`), so a scraper reaches it on a private
/// interface while the public port does not serve it at all. A scrape is rare and small:
/// one thread answers one request at a time, each connection bounded in bytes and time,
/// so a stuck scraper can delay the next scrape but never an event loop.
///
/// `@unchecked Sendable`: the listening socket is created in `init` and then used by the
/// `flowcoach-metrics` thread alone; `stop()` only sets an atomic flag.
final class MetricsListener: @unchecked Sendable {
    /// How long one scraper may take to send its request head.
    static let requestTimeoutMs: Int32 = 2_000

    private let listener: Listener
    private let token: String?
    private let render: @Sendable () -> String
    private let stopped = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// The port bound (the configured one, or the one picked for port 0).
    var port: UInt16 { listener.port }

    /// Binds `host:port`; `token`, when set, is required as `Authorization: Bearer`.
    init(host: String, port: UInt16, token: String?, stats: [LoopStats], services: CoachingServices?) throws(SocketError) {
        listener = try Listener(host: host, port: port, backlog: 64)
        self.token = token
        render = {
            MetricsText.render(stats, writer: services?.writer.metrics.snapshot(), droppedLeaderboardInputs: services?.leaderboards.droppedInputs)
        }
    }

    func start() {
        started.store(true, ordering: .relaxed)
        let thread = Thread { [self] in
            run()
            finished.signal()
        }
        thread.name = "flowcoach-metrics"
        thread.start()
    }

    /// Stops accepting; returns once the thread has left (within one poll interval).
    func stop() {
        stopped.store(true, ordering: .relaxed)
        if started.load(ordering: .relaxed) { finished.wait() }
    }

    private func run() {
        while !stopped.load(ordering: .relaxed) {
            var ready = pollfd(fd: listener.fd, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 200) > 0, let (fd, _) = SystemCall.accept(listener.fd) else { continue }
            answer(fd)
            close(fd)
        }
    }

    private func answer(_ fd: Int32) {
        var output = ByteWriter()
        switch readHead(fd) {
        case .complete(let head, _):
            respond(to: head, into: &output)
        case .failed(let error):
            HTTPResponseWriter.write(status: error.httpStatus, headers: Self.headers, contentType: "text/plain",
                                     body: Array("bad request\n".utf8), into: &output)
        case .needMoreData:
            return  // timed out or hung up: nothing to answer
        }
        output.withUnsafeReadableBytes { bytes in Self.writeAll(fd, bytes) }
    }

    private func respond(to head: HTTPRequestHead, into output: inout ByteWriter) {
        if head.path != "/metrics" {
            HTTPResponseWriter.write(status: 404, headers: Self.headers, contentType: "text/plain",
                                     body: Array("this address serves /metrics only\n".utf8), into: &output)
        } else if head.method != "GET" {
            HTTPResponseWriter.write(status: 405, headers: Self.headers + [HTTPHeader(name: "Allow", value: "GET")],
                                     contentType: "text/plain", body: Array("/metrics answers GET only\n".utf8), into: &output)
        } else if let token, !MetricsAccess.allows(head, token: token) {
            HTTPResponseWriter.write(
                status: 401, headers: Self.headers + [HTTPHeader(name: "WWW-Authenticate", value: "Bearer realm=\"metrics\"")],
                contentType: "text/plain", body: Array("/metrics needs Authorization: Bearer <metrics.token>\n".utf8), into: &output)
        } else {
            HTTPResponseWriter.write(status: 200, headers: Self.headers, contentType: "text/plain; version=0.0.4",
                                     body: Array(render().utf8), into: &output)
        }
    }

    private static let headers = [
        HTTPHeader(name: "Cache-Control", value: "no-store"), HTTPHeader(name: "X-Content-Type-Options", value: "nosniff"),
        HTTPHeader(name: "Connection", value: "close"),
    ]

    /// Reads until the head is complete, malformed, or `requestTimeoutMs` has passed.
    private func readHead(_ fd: Int32) -> HTTPParseResult {
        var parser = HTTPRequestParser()
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = MonotonicClock.nowMs() + Int64(Self.requestTimeoutMs)
        while true {
            let left = deadline - MonotonicClock.nowMs()
            guard left > 0 else { return .needMoreData }
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, Int32(left)) > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            guard count > 0 else { return .needMoreData }
            let result = buffer.withUnsafeBytes { parser.parse(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            if case .needMoreData = result { continue }
            return result
        }
    }

    /// Writes the whole answer (a scrape answer is small; a reader that takes none of it
    /// within the request timeout is given up).
    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            if written > 0 {
                offset += written
                continue
            }
            guard written < 0, errno == EAGAIN || errno == EINTR else { return }
            var ready = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&ready, 1, requestTimeoutMs) > 0 else { return }
        }
    }
}
