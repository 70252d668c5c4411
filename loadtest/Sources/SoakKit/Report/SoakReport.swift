/// The outcome of a run: what was sent and answered, how fast, what broke, and what the
/// server cost. Rendered as text for people and as JSON (`--json FILE`) for comparisons.
public struct SoakReport: Sendable, Equatable {
    /// Server usage over the run (`--server-pid`).
    public struct ServerUsage: Sendable, Equatable {
        public var pid: Int32
        public var rssStartKiB: Int64
        public var rssEndKiB: Int64
        /// Highest RSS sampled during the run.
        public var rssMaxSampledKiB: Int64
        /// `VmHWM` at the end (peak over the process's life).
        public var rssPeakKiB: Int64
        /// CPU seconds used during the run.
        public var cpuSeconds: Double
        /// `cpuSeconds` / wall seconds × 100 (200 = both cores busy).
        public var cpuPercent: Double

        public init(pid: Int32, rssStartKiB: Int64, rssEndKiB: Int64, rssMaxSampledKiB: Int64, rssPeakKiB: Int64,
                    cpuSeconds: Double, cpuPercent: Double) {
            self.pid = pid
            self.rssStartKiB = rssStartKiB
            self.rssEndKiB = rssEndKiB
            self.rssMaxSampledKiB = rssMaxSampledKiB
            self.rssPeakKiB = rssPeakKiB
            self.cpuSeconds = cpuSeconds
            self.cpuPercent = cpuPercent
        }
    }

    public var version = SoakVersion.current
    public var profile: String?
    public var url = ""
    public var sessions = 0
    public var dashboards = 0
    public var intervalMs = 0
    /// Wall-clock start of the run (ms since the epoch): the origin of `timeline`.
    public var startedWallMs: Int64 = 0
    /// Wall seconds from the first connection to the end of the closing phase.
    public var elapsedSeconds = 0.0
    /// Wall seconds of the load phase (the throughput denominator).
    public var loadSeconds = 0.0
    public var counters = SoakCounters()
    /// Highest one-second rate of answered activities.
    public var peakUpdatesPerSecond = 0.0
    public var latency = LatencySummary()
    /// Reconnect storms (sessions the server dropped, until all were back), by first drop.
    public var storms: [ResumeStorm] = []
    /// Round trips during the storms and one activity interval after each.
    public var stormLatency = LatencySummary()
    /// One point per progress line (about one a second).
    public var timeline: [TimelinePoint] = []
    /// `error` messages by code.
    public var errorsByCode: [String: Int] = [:]
    /// First connection failure, for the operator.
    public var firstConnectFailure: String?
    public var violations = ViolationLog()
    public var expectRestarts = 0
    /// Reconnects and resumed timers were jittered (false: `--no-jitter`).
    public var jitter = true
    public var server: ServerUsage?
    /// The server's own answer times over the run, from its `/metrics` (`--server-metrics`).
    public var serverAnswerTimes: ServerAnswerTimes?
    /// Why the server's answer times are missing, when they were asked for.
    public var serverMetricsFailure: String?
    /// The soak client's own CPU seconds and peak RSS (it shares the machine with the server).
    public var clientCPUSeconds = 0.0
    public var clientPeakRSSKiB: Int64 = 0

    public init() {}

    /// Answered activities per second of load.
    public var updatesPerSecond: Double { loadSeconds > 0 ? Double(counters.flowsAnswered) / loadSeconds : 0 }

    /// Failures that count against the run: connection failures unless restarts were expected.
    public var connectionErrors: Int64 { expectRestarts > 0 ? 0 : counters.connectFailures }

    /// True when nothing was violated and no unexpected failure occurred (exit status 0).
    public var passed: Bool { violations.total == 0 && connectionErrors == 0 && counters.connectSuccesses > 0 }
}
