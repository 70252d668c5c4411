import CLinux
import Glibc
public import Logging
import Synchronization

/// Wires the event loops together: one loop per configured core, all listening on the same
/// port via `SO_REUSEPORT`; starts them, stops them gracefully, waits for them.
public final class Server: Sendable {
    public let configuration: ServerConfiguration
    private let logger: Logger
    private let loops: [EventLoop]
    private let threads = Mutex<[LoopThread]>([])

    /// Binds every loop's listener (port 0 picks one free port shared by all loops).
    public init(configuration: ServerConfiguration, logger: Logger) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        let stats = (0..<configuration.loops).map { _ in LoopStats() }
        var loops: [EventLoop] = []
        var port = configuration.port
        for index in 0..<configuration.loops {
            let loop = try EventLoop(
                index: index, configuration: configuration, port: port, stats: stats[index], allStats: stats,
                logger: logger)
            port = loop.port
            loops.append(loop)
        }
        self.loops = loops
    }

    /// The port the server listens on.
    public var port: UInt16 { loops.first?.port ?? 0 }

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
            "host": "\(configuration.host)", "port": "\(port)", "loops": "\(loops.count)",
            "echo": "\(configuration.echoEnabled)",
        ])
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
    }

    /// Runs loops on an executor.
    func runOnLoop(_ index: Int, _ body: @escaping @Sendable (EventLoop) -> Void) {
        loops[index % loops.count].mailbox.post(.run(body))
    }
}
