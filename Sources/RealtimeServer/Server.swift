import CoachingCore
import CLinux
import Glibc
public import Logging
import LoopKit
import Synchronization

/// Wires the event loops together: one loop per configured core, all listening on the same
/// port via `SO_REUSEPORT`; starts them, stops them gracefully, waits for them.
public final class Server: Sendable {
    public let configuration: ServerConfiguration
    private let logger: Logger
    private let loops: [EventLoop]
    private let threads = Mutex<[LoopThread]>([])
    private let tlsContexts: TLSContextStore?
    private let metricsListener: MetricsListener?

    /// Binds every loop's listener (port 0 picks one free port shared by all loops).
    ///
    /// - Parameter services: the coaching service (store writer/reader, leaderboards) behind
    ///   `/v1/ws`; without it `/v1/ws` answers 503 (the shell alone, e.g. for `/echo`).
    public init(configuration: ServerConfiguration, logger: Logger, services: CoachingServices? = nil) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        let tlsContexts = try configuration.tlsConfiguration.map { try TLSContextStore(configuration: $0) }
        if let context = tlsContexts?.current {
            logger.info("TLS certificate loaded", metadata: [
                "subject": "\(context.certificateSubject)", "not_after": "\(context.certificateNotAfter)",
                "record_ciphers": "\(context.recordCiphers?.description ?? "providers (off)")",
                "tls13_records": "\(context.offloadsTLS13Records ? "own record layer" : "OpenSSL")",
            ])
        }
        self.tlsContexts = tlsContexts
        let stats = (0..<configuration.loops).map { _ in LoopStats() }
        var loops: [EventLoop] = []
        var port = configuration.port
        var tlsPort = configuration.tlsPort ?? 0
        for index in 0..<configuration.loops {
            let mailbox = try services?.mailboxes[index] ?? LoopMailbox()
            let loop = try EventLoop(
                index: index, configuration: configuration, port: port, tlsPort: tlsPort, tlsContexts: tlsContexts,
                stats: stats[index], allStats: stats, mailbox: mailbox, services: services, logger: logger)
            port = loop.port
            tlsPort = loop.tlsPort
            loops.append(loop)
        }
        self.loops = loops
        metricsListener = try configuration.metricsListen.flatMap(ServerConfiguration.hostAndPort).map { address in
            try MetricsListener(host: address.host, port: address.port, token: configuration.metricsToken, stats: stats, services: services)
        }
    }

    /// The port `/metrics` is served on when `metrics.listen` gives it its own address.
    public var metricsPort: UInt16? { metricsListener?.port }

    /// The plaintext port (0 when plaintext is off).
    public var port: UInt16 { loops.first?.port ?? 0 }

    /// The TLS port (0 when TLS is off).
    public var tlsPort: UInt16 { loops.first?.tlsPort ?? 0 }

    /// Reloads the certificate and key (SIGHUP). New connections use the new ones; live
    /// connections keep theirs. On failure the old certificate stays and the error is thrown.
    public func reloadCertificates() throws {
        guard let tlsContexts else { return }
        let context = try tlsContexts.reload()
        logger.info("TLS certificate reloaded", metadata: [
            "subject": "\(context.certificateSubject)", "not_after": "\(context.certificateNotAfter)",
        ])
    }

    /// Starts one thread per loop and returns.
    public func start() throws {
        // A write to a peer that is gone must fail with EPIPE, not kill the process.
        signal(SIGPIPE, SIG_IGN)
        try threads.withLock { threads in
            for loop in loops {
                threads.append(try LoopThread(name: "flowcoach-io-\(loop.index)") { loop.run() })
            }
        }
        logger.info("listening", metadata: [
            "host": "\(configuration.host)", "port": "\(port)", "tls_port": "\(tlsPort)", "loops": "\(loops.count)",
            "echo": "\(configuration.echoEnabled)",
        ])
        if let metricsListener {
            metricsListener.start()
            logger.info("metrics listening", metadata: ["address": "\(configuration.metricsListen ?? "")", "port": "\(metricsListener.port)"])
        }
    }

    /// Begins graceful shutdown: loops stop accepting, send close 1001 and drain until
    /// `shutdownGraceMs` has passed.
    public func shutdown() {
        let deadline = MonotonicClock.nowMs() + configuration.shutdownGraceMs
        for loop in loops { loop.mailbox.post(.shutdown(deadlineMs: deadline)) }
    }

    /// Blocks until every loop thread has exited.
    public func waitUntilStopped() {
        let started = threads.withLock { threads in
            let taken = threads
            threads.removeAll()
            return taken
        }
        for thread in started { thread.join() }
        metricsListener?.stop()
    }
}
