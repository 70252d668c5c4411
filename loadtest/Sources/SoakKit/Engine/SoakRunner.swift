import CLinux
import Glibc
import Histogram
public import LoopKit
import Synchronization

/// Runs a soak: builds the connection plan, starts the loops, prints the progress line once
/// a second, moves the run from load to closing to stop, and assembles the report.
public final class SoakRunner {
    public let configuration: SoakConfiguration
    public let profileName: String?
    public let tokens: SoakTokens
    public let serverPID: Int32?
    /// Where progress lines and warnings go.
    public var log: (String) -> Void = { line in
        var text = line + "\n"
        text.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    public init(configuration: SoakConfiguration, profileName: String?, tokens: SoakTokens, serverPID: Int32?) {
        self.configuration = configuration
        self.profileName = profileName
        self.tokens = tokens
        self.serverPID = serverPID
    }

    /// Why a run could not start.
    public enum StartError: Error, CustomStringConvertible {
        case configuration(ConfigurationError)
        case system(SocketError)

        public var description: String {
            switch self {
            case .configuration(let error): error.description
            case .system(let error): error.description
            }
        }
    }

    /// Plans the connections: editors interleaved across users (so the ramp brings every user
    /// online early), then dashboards; connection `i` runs on loop `i % threads` from source
    /// address 127.0.0.(1 + i % sourceAddresses).
    func plan() -> [ConnectionSpec] {
        var specs: [ConnectionSpec] = []
        specs.reserveCapacity(configuration.sessionCount + configuration.dashboards)
        func source(_ index: Int) -> UInt32 {
            configuration.sourceAddresses > 1 ? ClientSocket.loopbackSource(1 + index % configuration.sourceAddresses) : 0
        }
        for session in 0..<configuration.sessionsPerUser {
            for user in 0..<configuration.users {
                specs.append(ConnectionSpec(
                    role: .editor(user: user, session: session), token: tokens.ingest[user], source: source(specs.count),
                    routeKey: routeKey(user)))
            }
        }
        for index in 0..<configuration.dashboards {
            let user = configuration.users > 0 ? index % configuration.users : index % Swift.max(tokens.count, 1)
            let token = user < tokens.count ? (tokens.read[user] ?? tokens.ingest[user]) : nil
            specs.append(ConnectionSpec(
                role: .dashboard(user: user, index: index), token: token, source: source(specs.count), routeKey: routeKey(user)))
        }
        return specs
    }

    /// One key per user, the same for their editors and dashboards: the id part of their
    /// ingest token (`fc_i_<id>_<secret>`; never the secret), else the user's index.
    private func routeKey(_ user: Int) -> String? {
        guard configuration.routeKey else { return nil }
        if user < tokens.count {
            let fields = tokens.ingest[user].split(separator: "_")
            if fields.count >= 4 { return String(fields[2]) }
        }
        return "user\(user)"
    }

    /// Runs to the end and returns the report.
    public func run() throws(StartError) -> SoakReport {
        let target: SoakTarget
        do { target = try configuration.validated() } catch { throw .configuration(error) }
        let neededTokens = Swift.max(configuration.users, configuration.dashboards > 0 ? 1 : 0)
        if tokens.count < neededTokens {
            throw .configuration(ConfigurationError("\(configuration.users) users need \(configuration.users) tokens; "
                + "the token source has \(tokens.count) (use --token-file or --create-users)"))
        }
        signal(SIGPIPE, SIG_IGN)
        let connections = configuration.sessionCount + configuration.dashboards
        let fileLimit = ClientSocket.raiseFileLimit()
        if connections + 64 > fileLimit {
            log("warning: \(connections) connections but the open-file limit is \(fileLimit); connects beyond it will fail (EMFILE)")
        }
        let ports = 28_000 * configuration.sourceAddresses
        if connections > ports {
            log("warning: \(connections) connections from \(configuration.sourceAddresses) source address(es) exceed ~\(ports) ephemeral ports; raise --source-addresses")
        }
        let address: sockaddr_in
        let tlsContext: TLSClientContext?
        do {
            address = try ClientSocket.resolve(target.host, port: target.port)
            tlsContext = target.isSecure ? try TLSClientContext(caFile: configuration.caFile, host: target.host) : nil
        } catch {
            throw .system(error)
        }

        let threads = Swift.min(configuration.threads, Swift.max(connections, 1))
        let control = SoakControl(loops: threads, messages: configuration.messages)
        var perLoop = [[ConnectionSpec]](repeating: [], count: threads)
        for (index, spec) in plan().enumerated() { perLoop[index % threads].append(spec) }
        var loops: [SoakLoop] = []
        do {
            for index in 0..<threads {
                loops.append(try SoakLoop(index: index, configuration: configuration, target: target, address: address,
                                          tlsContext: tlsContext, control: control, specs: perLoop[index], threads: threads))
            }
        } catch {
            throw .system(error)
        }

        // SIGINT/SIGTERM end the load early (a second one stops at once).
        var signalPipe: [Int32] = [-1, -1]
        if pipe(&signalPipe) == 0 { for fd in signalPipe { _ = fcntl(fd, F_SETFL, O_NONBLOCK); _ = fcntl(fd, F_SETFD, FD_CLOEXEC) } }
        if signalPipe[1] >= 0 { _ = flowcoach_route_signals_to(signalPipe[1]) }

        // The server's answer times: its histogram before the load, subtracted at the end.
        let scrape = configuration.metricsURL.flatMap { try? MetricsScrape(url: $0, token: configuration.metricsToken) }
        var answerTimesBefore: ServerAnswerTimes?
        var scrapeFailure: String?
        if let scrape {
            (answerTimesBefore, scrapeFailure) = Self.answerTimes(scrape)
            if let scrapeFailure { log("warning: /metrics before the load: \(scrapeFailure)") }
        }

        let startNs = MonotonicClock.nowNs()
        let startedWallMs = WallClock.nowMs()
        let serverStart = serverPID.flatMap { ProcessUsage.read(pid: $0) }
        let clientStart = ProcessUsage.read(pid: getpid())
        var maxRSS = serverStart?.rssKiB ?? 0
        var threadsStarted: [LoopThread] = []
        for loop in loops {
            do {
                threadsStarted.append(try LoopThread(name: "soak-loop-\(loop.index)") { loop.run() })
            } catch {
                control.phase.store(RunPhase.stop.rawValue, ordering: .relaxed)
                for thread in threadsStarted { thread.join() }
                throw .system(error)
            }
        }

        var total = LatencySummary.makeHistogram()
        var stormTotal = LatencySummary.makeHistogram()
        var timeline: [TimelinePoint] = []
        var lastFlows: Int64 = 0
        var peakRate = 0.0
        var loadEndNs: UInt64 = 0
        var closingStartNs: UInt64 = 0
        var signals = 0
        var lastTickNs = startNs
        while true {
            var poll = pollfd(fd: signalPipe[0], events: Int16(POLLIN), revents: 0)
            _ = Glibc.poll(&poll, signalPipe[0] >= 0 ? 1 : 0, 1000)
            if poll.revents != 0 {
                var byte: UInt8 = 0
                while read(signalPipe[0], &byte, 1) == 1 { signals += 1 }
            }
            let nowNs = MonotonicClock.nowNs()
            let elapsed = Double(nowNs - startNs) / 1e9
            var counters = SoakCounters()
            var interval = LatencySummary.makeHistogram()
            var violations = 0
            var errors = 0
            var allFinished = true
            for box in control.snapshots {
                box.mutex.withLock { snapshot in
                    counters.add(snapshot.counters)
                    interval.add(snapshot.pendingLatency)
                    snapshot.pendingLatency.reset()
                    stormTotal.add(snapshot.pendingStormLatency)
                    snapshot.pendingStormLatency.reset()
                    violations += snapshot.violations.total
                    errors += snapshot.errorsByCode.values.reduce(0, +)
                    allFinished = allFinished && snapshot.finished
                }
            }
            total.add(interval)
            let rate = Double(counters.flowsAnswered - lastFlows) / (Double(nowNs - lastTickNs) / 1e9)
            let p50Micros = interval.totalCount > 0 ? interval.valueAtPercentile(50) : 0
            let p99Micros = interval.totalCount > 0 ? interval.valueAtPercentile(99) : 0
            timeline.append(TimelinePoint(elapsedSeconds: elapsed, openConnections: counters.openConnections,
                                          answered: counters.flowsAnswered - lastFlows, p50Micros: p50Micros, p99Micros: p99Micros))
            lastFlows = counters.flowsAnswered
            lastTickNs = nowNs
            if control.currentPhase == .load { peakRate = Swift.max(peakRate, rate) }
            if let pid = serverPID, let usage = ProcessUsage.read(pid: pid) { maxRSS = Swift.max(maxRSS, usage.rssKiB) }

            let phase = control.currentPhase
            if configuration.progress {
                let p50 = interval.totalCount > 0 ? SoakReport.fixed(Double(p50Micros) / 1000, 2) : "-"
                let p99 = interval.totalCount > 0 ? SoakReport.fixed(Double(p99Micros) / 1000, 2) : "-"
                let sessions = configuration.sessionCount > 0
                    ? "  durable \(counters.sessionsDurable)/\(configuration.sessionCount)"
                        + (counters.awaitingResume > 0 ? "  resuming \(counters.awaitingResume)" : "")
                    : ""
                log("[\(SoakReport.fixed(elapsed, 0))s] conns \(counters.openConnections)/\(connections)  upd/s \(Int(rate))  "
                    + "rtt p50 \(p50) ms p99 \(p99) ms  errors \(errors + Int(counters.connectFailures))  violations \(violations)"
                    + sessions + (phase == .load ? "" : "  [\(phase == .closing ? "closing" : "stopping")]"))
            }
            switch phase {
            case .load:
                let durationDone = configuration.durationSeconds > 0 && elapsed >= configuration.durationSeconds
                if durationDone || control.budgetExhausted || signals > 0 {
                    loadEndNs = nowNs
                    closingStartNs = nowNs
                    control.phase.store(RunPhase.closing.rawValue, ordering: .relaxed)
                }
            case .closing:
                let drained = Double(nowNs - closingStartNs) / 1e6 >= Double(configuration.drainTimeoutMs)
                if allFinished || drained || signals > 1 {
                    control.phase.store(RunPhase.stop.rawValue, ordering: .relaxed)
                }
            case .stop:
                break
            }
            if phase == .stop { break }
        }
        for thread in threadsStarted { thread.join() }
        let endNs = MonotonicClock.nowNs()

        var report = SoakReport()
        report.profile = profileName
        report.url = configuration.url
        report.sessions = configuration.sessionCount
        report.dashboards = configuration.dashboards
        report.intervalMs = configuration.intervalMs
        report.expectRestarts = configuration.expectRestarts
        report.jitter = configuration.jitter.enabled
        report.elapsedSeconds = Double(endNs - startNs) / 1e9
        report.loadSeconds = Double((loadEndNs == 0 ? endNs : loadEndNs) - startNs) / 1e9
        report.peakUpdatesPerSecond = peakRate
        report.timeline = timeline
        report.startedWallMs = startedWallMs
        var stormShares: [ResumeStorm] = []
        for box in control.snapshots {
            box.mutex.withLock { snapshot in
                report.counters.add(snapshot.counters)
                total.add(snapshot.pendingLatency)
                stormTotal.add(snapshot.pendingStormLatency)
                stormShares += snapshot.stormShares
                if let current = snapshot.currentStorm { stormShares.append(current) }
                report.violations.merge(snapshot.violations)
                for (code, count) in snapshot.errorsByCode { report.errorsByCode[code, default: 0] += count }
                if report.firstConnectFailure == nil { report.firstConnectFailure = snapshot.firstConnectFailure }
            }
        }
        report.latency = LatencySummary(total)
        report.stormLatency = LatencySummary(stormTotal)
        report.storms = ResumeStorm.merged(stormShares)
        if let pid = serverPID, let start = serverStart, let end = ProcessUsage.read(pid: pid) {
            let cpu = Double(end.cpuTicks - start.cpuTicks) / Double(ProcessUsage.ticksPerSecond)
            report.server = SoakReport.ServerUsage(
                pid: pid, rssStartKiB: start.rssKiB, rssEndKiB: end.rssKiB, rssMaxSampledKiB: Swift.max(maxRSS, end.rssKiB),
                rssPeakKiB: end.peakRSSKiB, cpuSeconds: cpu, cpuPercent: cpu / report.elapsedSeconds * 100)
        }
        if let start = clientStart, let end = ProcessUsage.read(pid: getpid()) {
            report.clientCPUSeconds = Double(end.cpuTicks - start.cpuTicks) / Double(ProcessUsage.ticksPerSecond)
            report.clientPeakRSSKiB = end.peakRSSKiB
        }
        if let scrape, let before = answerTimesBefore {
            let (after, failure) = Self.answerTimes(scrape)
            report.serverAnswerTimes = after?.subtracting(before)
            report.serverMetricsFailure = failure
        } else if scrape != nil {
            report.serverMetricsFailure = scrapeFailure
        }
        for fd in signalPipe where fd >= 0 { close(fd) }
        return report
    }

    /// The server's answer-time histograms as scraped now, or why not.
    private static func answerTimes(_ scrape: MetricsScrape) -> (ServerAnswerTimes?, String?) {
        do {
            let text = try scrape.fetch()
            guard let times = ServerAnswerTimes(exposition: text) else {
                return (nil, "no \(ServerAnswerTimes.metricName) on \(scrape.host):\(scrape.port)\(scrape.path) (an older server?)")
            }
            return (times, nil)
        } catch {
            return (nil, error.description)
        }
    }
}
