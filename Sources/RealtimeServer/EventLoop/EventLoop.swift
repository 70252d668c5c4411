import CoachingCore
import CLinux
import FlowEngine
import Glibc
import Logging
import LoopKit
import WSProtocol

/// One event-loop thread: its own epoll, `SO_REUSEPORT` listener, mailbox (eventfd) and
/// every connection it accepted. Each iteration: wait → dispatch (reads produce output into
/// the shared cork buffer, flushed per connection with one `writev`) → mailbox → timers.
///
/// `@unchecked Sendable`: every mutable property is touched only by the loop's own thread
/// (the one running `run()`); other threads use only `mailbox` (a mutex + eventfd) and
/// `stats` (atomics), which are themselves thread-safe.
public final class EventLoop: @unchecked Sendable {
    static let listenerToken: UInt64 = .max
    static let mailboxToken: UInt64 = .max - 1
    static let tlsListenerToken: UInt64 = .max - 2
    static let readBufferBytes = 256 << 10

    public let index: Int
    let configuration: ServerConfiguration
    let mailbox: LoopMailbox
    let stats: LoopStats
    let allStats: [LoopStats]
    var logger: Logger
    let epoll: Epoll
    var listener: Listener?
    var tlsListener: Listener?
    /// Certificates for new TLS connections (swapped on SIGHUP; live sessions keep theirs).
    let tlsContexts: TLSContextStore?
    /// Connection table indexed by slot (8 bytes per slot).
    /// `@exclusivity(unchecked)`: touched by this loop's thread only, and every access is a
    /// read, an element store or an append that calls nothing while it lasts (loops over
    /// the table iterate a copy), so accesses cannot overlap; the run-time check cost an
    /// access-set update per event.
    @exclusivity(unchecked) var connections: [ClientConnection?] = []
    var freeSlots: [Int] = []
    /// Connections closed or handed over since the last wait: the table's reference moves
    /// here until the batch of events ends, so an event may use its connection without
    /// retaining it (one atomic pair per event less) even when handling it closes it.
    var retiredConnections: [ClientConnection] = []
    /// Generation of the last token handed out. One counter for the loop rather than one
    /// per slot: a reused slot still gets a token its previous occupant never had (so stale
    /// events and late answers are dropped), without a second array beside the table.
    var lastGeneration: UInt32 = 0
    var openCount = 0
    /// Loop-owned receive buffer: every read lands here and is parsed in place.
    let readBuffer: UnsafeMutableRawBufferPointer
    /// Loop-owned output ("cork") buffer: a connection's replies accumulate here during
    /// dispatch and leave with one write. Written only through `writeOutput(to:_:)`.
    /// `@exclusivity(unchecked)`: touched by this loop's thread only, and no body passed to
    /// `writeOutput` reaches the loop again (each writes one frame or response into the
    /// buffer it is given), so accesses cannot overlap; the run-time check cost two
    /// access-set updates per message on the read path.
    @exclusivity(unchecked) var cork = OutputCork()
    /// Loop-owned buffers for TLS: ciphertext as read, and ciphertext to write.
    let cipherBuffer: UnsafeMutableRawBufferPointer
    /// `@exclusivity(unchecked)`: this loop's thread only; lent `inout` to one session's
    /// `writePlaintext`/`drainCiphertext` (OpenSSL's callbacks write the session's own
    /// buffers, never the loop) and to `writeOut`, which does not reach it again, so
    /// accesses cannot overlap; the run-time check cost three per TLS message.
    @exclusivity(unchecked) var cipherCork = ByteWriter(capacity: 64 << 10)
    /// Handshake policy of `/echo`, built once (the deflate hook captures the configuration).
    let echoPolicy: HandshakePolicy
    /// The validated permessage-deflate configuration.
    let deflateConfiguration: DeflateConfiguration
    /// Handshake policy of `/v1/ws`: subprotocol `flowcoach.v1`, deflate when enabled.
    let coachingPolicy: HandshakePolicy
    /// The coaching service's threads and shared state; nil when the server runs without
    /// a store (shell tests): `/v1/ws` then answers 503.
    let services: CoachingServices?
    /// The coaching service of this loop (users whose home is this loop, their sessions,
    /// this loop's channel subscriptions): a pure state machine this loop feeds.
    lazy var shard = CoachingShard(
        configuration: CoachingShard.Configuration(
            settings: configuration.coaching, loopIndex: index, loopCount: configuration.loops,
            heartbeatSeconds: Int(configuration.pingIntervalMs / 1_000),
            utcOffsetMs: { UserTime.offsetMs(timeZone: $0, atMs: $1) }),
        shell: self, stats: stats)
    var nextCoachingTickMs: Int64 = 0
    /// How many of the shard's calls into this loop (``perform(_:)``, a publish's writes)
    /// are under way: the shard is in the middle of one of its own methods.
    var shardCallbackDepth = 0
    /// Connections closed while the shard was in the middle of a method (a write failed
    /// under a publish or a send): the shard hears of them once that method has returned,
    /// never from inside it, where they would change what it is iterating.
    /// `@exclusivity(unchecked)`: this loop's thread only; appended to, tested and swapped
    /// for an empty array, never lent across a call (checked after every event).
    @exclusivity(unchecked) var closedDuringShardCall: [CoachingConnection] = []
    var nowMs: Int64 = MonotonicClock.nowMs()
    /// The clock as the current event was handled, in nanoseconds (`nowMs` is read from
    /// it): where an `activity`'s answer time starts from its connection's read. An `/echo`
    /// connection's event keeps the wake-up's (``readEventClock()``).
    var eventNs: UInt64 = 0
    /// The clock at the current wake-up, read as `epoll_wait` returned (0 until the first
    /// one, or the first event when a test calls ``handle(token:events:)`` directly): where
    /// an answer time starts from the loop's wake-up.
    var wakeNs: UInt64 = 0
    /// The wake-up's clock read is still the current one: the first event after a wake-up
    /// takes its time instead of reading the clock again (at one message per wake-up, the
    /// `steady` load's shape, that was a second read for the same instant).
    var wakeClockIsCurrent = false
    /// Wall-clock minus monotonic milliseconds, re-read at every sweep: the coaching core's
    /// wall time (`at_ms` bounds, `server_time`) is derived from the event's monotonic time
    /// rather than read per message. Within a millisecond of `CLOCK_REALTIME`, and a step
    /// of the system clock shows within one sweep interval.
    var wallOffsetMs: Int64 = WallClock.nowMs() &- MonotonicClock.nowMs()
    var nextSweepMs: Int64 = 0
    /// When each connection next needs the sweep, by slot of ``connections`` (see
    /// `EventLoop+Checks.swift`); each connection keeps its entry's position.
    /// `@exclusivity(unchecked)`: this loop's thread only; its methods reach the loop only
    /// to read or set a connection's position (fields of the connection, not this value),
    /// so accesses cannot overlap; the run-time check cost one per TLS message (the
    /// retention review's look-up).
    @exclusivity(unchecked) var connectionChecks = ConnectionChecks(epochMs: MonotonicClock.nowMs())
    /// The sweep is visiting due connections: a check asked for now waits for the next sweep.
    var isSweeping = false
    /// Connections the sweep visited so far (tests, benchmarks).
    var sweepVisits = 0
    /// Visit every connection on every sweep, as the sweep did before the check heap: the
    /// reference the tests and the sweep benchmark compare the heap against.
    var sweepsEveryConnection = false
    var shutdownDeadlineMs: Int64?
    /// Shutting down, the 1001 closes wait until every connected session's last checkpoint
    /// is acknowledged, or this time (monotonic ms) at the latest.
    var goingAwayByMs: Int64?
    var running = true

    /// The plaintext port (0 when plaintext is off).
    public let port: UInt16
    /// The TLS port (0 when TLS is off).
    public let tlsPort: UInt16

    init(
        index: Int, configuration: ServerConfiguration, port: UInt16, tlsPort: UInt16, tlsContexts: TLSContextStore?,
        stats: LoopStats, allStats: [LoopStats], mailbox: LoopMailbox, services: CoachingServices?, logger: Logger
    ) throws(SocketError) {
        self.index = index
        self.configuration = configuration
        self.stats = stats
        self.allStats = allStats
        self.logger = logger
        self.logger[metadataKey: "loop"] = "\(index)"
        self.mailbox = mailbox
        self.services = services
        epoll = try Epoll()
        self.tlsContexts = tlsContexts
        deflateConfiguration = configuration.compression.deflateConfiguration
        let deflateHook = configuration.compression.enabled
            ? DeflateNegotiation.handshakeHook(configuration: deflateConfiguration) : nil
        echoPolicy = HandshakePolicy(subprotocols: [], rejectUnknownSubprotocols: false, negotiateExtensions: deflateHook)
        coachingPolicy = HandshakePolicy(
            subprotocols: [Self.coachingSubprotocol], rejectUnknownSubprotocols: true, negotiateExtensions: deflateHook)
        if configuration.plaintextEnabled {
            let listener = try Listener(host: configuration.host, port: port)
            try epoll.register(listener.fd, token: Self.listenerToken, interest: .read)
            self.listener = listener
            self.port = listener.port
        } else {
            self.port = 0
        }
        if tlsContexts != nil {
            let listener = try Listener(host: configuration.host, port: tlsPort)
            try epoll.register(listener.fd, token: Self.tlsListenerToken, interest: .read)
            self.tlsListener = listener
            self.tlsPort = listener.port
        } else {
            self.tlsPort = 0
        }
        try epoll.register(mailbox.eventFD, token: Self.mailboxToken, interest: .read)
        readBuffer = .allocate(byteCount: Self.readBufferBytes, alignment: 16)
        cipherBuffer = .allocate(byteCount: 64 << 10, alignment: 16)
    }

    deinit {
        readBuffer.deallocate()
        cipherBuffer.deallocate()
    }

    /// Runs until shutdown has drained every connection. Call on the loop's own thread.
    func run() {
        while running {
            // `nowMs` was read after the last batch (below): the sweep and the tick since
            // then make the wait at most that much longer.
            let timeout = Int32(clamping: max(0, nextSweepMs - nowMs))
            epoll.wait(timeoutMs: timeout, woke: { self.wokeUp() }) { token, events in
                self.handle(token: token, events: events)
            }
            releaseRetiredConnections()
            nowMs = MonotonicClock.nowMs()
            if nowMs >= nextSweepMs {
                wallOffsetMs = WallClock.nowMs() &- nowMs  // `nowMs` was read just above
                sweepTimeouts()
                // A sweep can refuse a late `hello` through the shard: tell it now, as after
                // an event, rather than after whatever comes next.
                reportClosedDuringShardCall()
                nextSweepMs = nowMs + Self.sweepIntervalMs
            }
            if services != nil && nowMs >= nextCoachingTickMs { coachingTick() }
        }
        closeAll()
    }

    /// One event as epoll reported it; afterwards the shard hears of the connections closed
    /// while it was inside one of its methods. (Tests replay races through this: they play
    /// the loop's thread and choose the order of events.)
    func handle(token: UInt64, events: IOEvents) {
        dispatch(token: token, events: events)
        wakeClockIsCurrent = false
        if !closedDuringShardCall.isEmpty { reportClosedDuringShardCall() }
    }

    /// The clock at the wake-up: where an answer time starts from, and the time of every
    /// event of this wake-up that reads no clock of its own. (Internal for tests, which
    /// play the wake-up too.)
    func wokeUp() {
        wakeNs = MonotonicClock.nowNs()
        eventNs = wakeNs
        nowMs = Int64(wakeNs / 1_000_000)
        wakeClockIsCurrent = true
    }

    /// One clock read for an event whose time matters to the microsecond: a coaching
    /// connection's read (an `activity`'s answer time starts there), an accept, the
    /// mailbox; the first event of a wake-up takes the wake-up's read. An `/echo`
    /// connection's event keeps the wake-up's time: it only stamps idle and stall times,
    /// kept in milliseconds, and the read per message was measurable at one message per read.
    @inline(__always)
    private func readEventClock() {
        if wakeClockIsCurrent { return }  // the first event of a wake-up: `wokeUp` just read it
        eventNs = MonotonicClock.nowNs()
        if wakeNs == 0 { wakeNs = eventNs }  // tests call `handle` without a wake-up
        nowMs = Int64(eventNs / 1_000_000)
    }

    /// The coaching shard's timers (``CoachingShard/tick(at:)``), then the output and the
    /// closes they caused.
    func coachingTick() {
        shard.tick(at: coachingTime)
        flushAll()
        reportClosedDuringShardCall()
        nextCoachingTickMs = nowMs + CoachingShard.tickIntervalMs
    }

    private func dispatch(token: UInt64, events: IOEvents) {
        if token >= Self.tlsListenerToken { readEventClock() }  // a listener or the mailbox
        switch token {
        case Self.listenerToken:
            acceptConnections(tls: false)
        case Self.tlsListenerToken:
            acceptConnections(tls: true)
        case Self.mailboxToken:
            for message in mailbox.drain() {
                receive(message)
                flushAll()
                reportClosedDuringShardCall()
            }
        default:
            let slot = Int(UInt32(truncatingIfNeeded: token))
            guard slot < connections.count, let entry = connections[slot].map(Unmanaged.passUnretained) else { return }
            // Unretained: the table or `retiredConnections` holds it until the batch ends.
            entry._withUnsafeGuaranteedRef { connection in
                guard connection.token == token else { return }  // a stale event: closed earlier in this batch
                dispatch(connection, events: events)
            }
        }
    }

    private func dispatch(_ connection: ClientConnection, events: IOEvents) {
        if connection.route != .echo || wakeNs == 0 { readEventClock() }
        if events.contains(.write) {  // EPOLLOUT: push out what is pending
            flush(connection)
            if !connection.hasPendingOutput && shard.hasHeldFrames(for: connection.token) {
                deliverHeldFrames(connection)  // a slow reader caught up: the latest snapshots
                flush(connection)
            }
        }
        if connection.isInputPaused {
            // Waiting for another thread's answer: read nothing now (the stash and the
            // kernel keep the input); a peer that is gone needs no answer.
            if events.contains(.hangup) || events.contains(.error) { closeConnection(connection) }
            return
        }
        if events.contains(.read) || events.contains(.readHangup) || events.contains(.hangup) || events.contains(.error) {
            readAvailable(connection)
        }
    }

    /// Drops the references of the connections retired in the last batch of events.
    func releaseRetiredConnections() {
        guard !retiredConnections.isEmpty else { return }
        retiredConnections.removeAll(keepingCapacity: retiredConnections.count <= 64)  // a storm's array is not kept
    }

    private func receive(_ message: LoopMessage) {
        nowMs = MonotonicClock.nowMs()
        switch message {
        case .shutdown(let deadlineMs):
            beginShutdown(deadlineMs: deadlineMs)
        case .adopt(let transfer):
            adopt(transfer)
        case .authenticated(let token, let outcome):
            receivedAuthentication(token: token, outcome: outcome)
        case .sessionLookup(let token, let request, let outcome):
            receivedSessionLookup(token: token, request: request, outcome: outcome)
        case .durable(let acks):
            shard.durable(acks, at: coachingTime)
            flushAll()
            if goingAwayByMs != nil, !shard.awaitsDurableAcks { sayGoingAway() }
        case .publish(let event):
            publish(event)
        case .httpResponse(let token, let response):
            receivedHTTPAnswer(token: token, response)
        case .tokensRevoked(let tokenIds):
            logger.notice("closing connections of revoked tokens", metadata: ["tokens": "\(tokenIds.sorted())"])
            shard.tokensRevoked(tokenIds, at: coachingTime)
            flushAll()
        case .purgeUser(let userId):
            shard.purge(userId: userId, at: coachingTime)
            flushAll()
        case .relinquishUser(let userId):
            shard.relinquish(userId: userId, code: .serviceRestart, at: coachingTime)
            flushAll()
            services?.cluster?.homeLoopRelinquished(userId)
        case .storedDaysChanged(let userId, let added):
            shard.storedDaysChanged(userId: userId, added: added, at: coachingTime)
        case .privacyChanged(let userId, let settings):
            shard.storedPrivacyChanged(userId: userId, settings: settings, at: coachingTime)
        case .storeJobAnswered(let answer):
            shard.storeJobAnswered(answer, at: coachingTime)
            flushAll()
        case .goalsChanged(let changes):
            shard.goalsChanged(changes, at: coachingTime)
            flushAll()
        }
    }

    /// Appends output for `connection`. The cork holds one connection's bytes at a time:
    /// bytes still waiting there for another connection leave for it first, so a byte can
    /// only ever reach the socket it was written for.
    @discardableResult
    func writeOutput<R>(to connection: ClientConnection, _ body: (inout ByteWriter) -> R) -> R {
        if cork.holdsBytes(forOtherThan: connection.token), let owner = cork.owner {
            if let previous = self.connection(for: owner) {
                flush(previous)
            } else {
                cork.discard(for: owner)
            }
        }
        return cork.append(for: connection.token, body)
    }

    /// Flushes whatever connection the cork holds bytes for (after an input that may have
    /// produced output for several connections: durable acks, a purge, a tick).
    func flushAll() {
        guard let owner = cork.owner, let connection = connection(for: owner) else { return }
        flush(connection)
    }

    /// Both clocks, for an input to the coaching shard.
    var coachingTime: CoachingTime { CoachingTime(monotonicMs: nowMs, wallMs: nowMs &+ wallOffsetMs) }

    /// Wall-clock milliseconds since the epoch (event-time checks, `server_time`).
    func wallClockMs() -> Int64 { WallClock.nowMs() }

    /// Whether `connection` is open on this loop (a connection handed to another loop, or
    /// closed, is not; its slot may not even exist here).
    @inline(__always)
    func owns(_ connection: ClientConnection) -> Bool {
        let slot = connection.slot
        return slot < connections.count && connections[slot] === connection
    }

    /// The live connection with this token, if it is still open on this loop.
    func connection(for token: UInt64) -> ClientConnection? {
        let slot = Int(UInt32(truncatingIfNeeded: token))
        guard slot < connections.count, let connection = connections[slot], connection.token == token else { return nil }
        return connection
    }

    /// Accepts up to 128 pending connections per wake-up (fairness with other work).
    private func acceptConnections(tls: Bool) {
        guard let listenerFD = tls ? tlsListener?.fd : listener?.fd else { return }
        for _ in 0..<128 {
            guard let (fd, peer) = SystemCall.accept(listenerFD) else {
                if errno == EMFILE || errno == ENFILE {
                    stats.add(.acceptFailures)
                    logger.error("accept failed: out of file descriptors", metadata: ["errno": "\(errno)"])
                }
                return
            }
            guard openCount < configuration.maxConnectionsPerLoop, shutdownDeadlineMs == nil else {
                close(fd)
                continue
            }
            SystemCall.setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
            // Over `limits.connections_per_ip`: served anyway, but only with a 429 once its
            // request has arrived (closing at once would reset it before it could read why).
            let admitted = services?.perIP.admit(peer.host) ?? true
            if !admitted { stats.add(.connectionsRefused) }
            register(fd: fd, peer: peer, tls: tls, counted: services != nil && admitted)
        }
    }

    /// A free slot of the connection table and the token its next occupant gets.
    func allocateSlot() -> (slot: Int, token: UInt64) {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
        } else {
            slot = connections.count
            connections.append(nil)
        }
        lastGeneration &+= 1
        return (slot, UInt64(lastGeneration) << 32 | UInt64(slot))
    }

    private func register(fd: Int32, peer: PeerAddress, tls: Bool, counted: Bool) {
        let (slot, token) = allocateSlot()
        let connection = ClientConnection(
            fd: fd, token: token, peer: peer, nowMs: nowMs,
            handshakeDeadlineMs: nowMs + configuration.handshakeTimeoutMs)
        if tls, let contexts = tlsContexts {
            do {
                connection.tls = BoxedTLSSession(try TLSSession(context: contexts.current))
            } catch {
                logger.error("TLS session setup failed", metadata: ["error": "\(error)"])
                close(fd)
                if counted { services?.perIP.release(peer.host) }
                freeSlots.append(slot)
                return
            }
        }
        do {
            try epoll.register(fd, token: token, interest: .read)
        } catch {
            logger.error("epoll register failed", metadata: ["error": "\(error)"])
            close(fd)
            if counted { services?.perIP.release(peer.host) }
            freeSlots.append(slot)
            return
        }
        connection.countedPerIP = counted
        connection.overIPLimit = services != nil && !counted
        connections[slot] = connection
        scheduleCheck(connection, atMs: connection.deadlineMs)
        openCount += 1
        stats.add(.connectionsAccepted)
        stats.add(.connectionsOpen)
    }

    /// Closes the socket now and frees the slot (the generation bump invalidates stale events).
    func closeConnection(_ connection: ClientConnection) {
        guard owns(connection) else { return }
        close(connection.fd)
        if connection.countedPerIP {
            connection.countedPerIP = false
            services?.perIP.release(connection.peer.host)
        }
        if let coaching = connection.coaching {
            if shardCallbackDepth > 0 {
                closedDuringShardCall.append(coaching)
            } else {
                shard.closed(coaching, at: coachingTime)
            }
        }
        cork.discard(for: connection.token)
        removeFromTable(connection)
    }

    /// Tells the shard of the connections closed during its last method. Called where the
    /// loop regains control: after each event, each mailbox message and each tick.
    func reportClosedDuringShardCall() {
        // Taken as a whole (a storm of resets can close thousands under one publish), and
        // again while telling the shard closes more.
        while !closedDuringShardCall.isEmpty {
            let closed = closedDuringShardCall
            closedDuringShardCall = []
            for coaching in closed { shard.closed(coaching, at: coachingTime) }
        }
    }

    /// Frees the connection's slot without touching its socket (close, or hand-over to
    /// another loop).
    func removeFromTable(_ connection: ClientConnection) {
        if connection.endpoint != nil {
            stats.add(.webSocketsOpen, -1)
        }
        connectionChecks.remove(slot: connection.slot, in: self)  // while the slot still finds the connection
        retiredConnections.append(connection)
        connections[connection.slot] = nil
        freeSlots.append(connection.slot)
        openCount -= 1
        stats.add(.connectionsOpen, -1)
        if shutdownDeadlineMs != nil && openCount == 0 { running = false }
    }

    private func closeAll() {
        for case let connection? in connections { closeConnection(connection) }
        listener = nil
        tlsListener = nil
    }
}
