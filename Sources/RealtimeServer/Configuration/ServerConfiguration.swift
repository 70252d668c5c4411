public import CoachingCore
/// Everything `flowcoach serve` can be told, with production defaults.
///
/// Loaded by `ConfigurationLoader` from (highest precedence first) command-line flags,
/// `FLOWCOACH_*` environment variables and a JSON file; `config/flowcoach.json` documents
/// every key. Values are validated once at start-up (`validate()`).
public struct ServerConfiguration: Sendable, Equatable {
    /// Address to listen on (`server.host`).
    public var host: String = "127.0.0.1"
    /// Plaintext port (`server.port`); 0 picks a free port (tests).
    public var port: UInt16 = 8080
    /// Whether the plaintext listener on `port` runs (`server.plaintext`); turn it off only
    /// when a TLS listener is configured.
    public var plaintextEnabled: Bool = true
    /// TLS port (`tls.port`); nil: no TLS listener. 0 picks a free port (tests).
    public var tlsPort: UInt16?
    /// PEM certificate chain, leaf first (`tls.certificate_chain`).
    public var tlsCertificateChainPath: String?
    /// PEM private key of the leaf certificate (`tls.private_key`).
    public var tlsPrivateKeyPath: String?
    /// Encrypt records with libcrypto's built-in AEADs rather than through OpenSSL 3.0's provider
    /// interface (`tls.builtin_record_ciphers`; ``TLSConfiguration/builtInRecordCiphers``).
    public var tlsBuiltInRecordCiphers: Bool = true
    /// Seal and open TLS 1.3 records in Flowcoach after OpenSSL's handshake
    /// (`tls.own_record_layer`; ``TLSConfiguration/ownRecordLayer``).
    public var tlsOwnRecordLayer: Bool = true
    /// Event loop threads (`server.loops`); default: one per core this process may use.
    public var loops: Int = ServerConfiguration.coreCount
    /// Enables the diagnostic `/echo` WebSocket route (`websocket.echo`); off by default.
    public var echoEnabled: Bool = false
    /// Time a client has to complete the HTTP upgrade (`websocket.handshake_timeout_ms`).
    public var handshakeTimeoutMs: Int64 = 10_000
    /// Idle time after which the server pings (`websocket.ping_interval_ms`).
    public var pingIntervalMs: Int64 = 30_000
    /// Unanswered pings after which the connection is dropped (`websocket.missed_pongs`).
    public var missedPongsBeforeClose: Int = 2
    /// Time the peer has to answer our close frame (`websocket.close_timeout_ms`).
    public var closeTimeoutMs: Int64 = 5_000
    /// Largest frame accepted on `/echo` (`websocket.max_frame_bytes`).
    public var maxFrameBytes: Int = 16 << 20
    /// Largest message accepted on `/echo` (`websocket.max_message_bytes`).
    public var maxMessageBytes: Int = 16 << 20
    /// Output a connection may have queued before it counts as a stuck reader and is
    /// closed (`websocket.max_outbound_bytes`).
    public var maxOutboundBytes: Int = 4 << 20
    /// A connection with more than its outbound limit queued is closed once it has taken
    /// none of it for this long (`websocket.max_stall_ms`): a reader is judged by progress.
    public var maxStallMs: Int64 = 10_000
    /// A Bearer token `/metrics` requires (`metrics.token`); nil: open, as on a private port.
    public var metricsToken: String?
    /// `/metrics` on its own `host:port` (`metrics.listen`, e.g. `127.0.0.1:9464`) and no
    /// longer on the public port; nil: on the public port.
    public var metricsListen: String?
    /// How often freed heap is handed back to the kernel (`server.heap_trim_interval_ms`,
    /// `malloc_trim`); 0: never.
    public var heapTrimIntervalMs: Int64 = 60_000
    /// Origins allowed to open WebSockets (`websocket.allowed_origins`, comma-separated);
    /// empty: any origin (auth is by token, not by cookie, so a foreign page gains nothing).
    public var allowedOrigins: [String] = []

    /// Output one connection may hold while its reader is slow: at least one message of the
    /// largest size the route accepts (echoed whole on `/echo`) plus headroom for frames
    /// queued around it, and never less than `websocket.max_outbound_bytes`.
    func outboundLimitBytes(echo: Bool) -> Int {
        echo ? max(maxOutboundBytes, maxMessageBytes + maxMessageBytes / 8 + (64 << 10)) : maxOutboundBytes
    }
    /// Connections one loop accepts before refusing more (`server.max_connections_per_loop`).
    public var maxConnectionsPerLoop: Int = 1 << 20
    /// Time graceful shutdown waits for clients to finish the closing handshake
    /// (`server.shutdown_grace_ms`).
    public var shutdownGraceMs: Int64 = 10_000
    /// permessage-deflate (RFC 7692) settings (`compression.*`).
    public var compression = CompressionSettings()
    /// Log level name: trace, debug, info, notice, warning, error, critical (`log.level`).
    public var logLevel: String = "info"
    /// Log format: `json` (one object per line) or `text` (`log.format`).
    public var logFormat: String = "json"
    /// SQLite database file of the embedded store (`database.path`).
    public var databasePath: String = "data/flowcoach.sqlite"
    /// PostgreSQL connection URL (`database.url`); when set it replaces SQLite.
    public var databaseURL: String?
    /// The writer's spill journal (`database.spill_journal`): where checkpoints go while the
    /// store is down and the queue is past `database.spill_after_records`; empty turns it
    /// off. Default: beside the SQLite file.
    public var spillJournalPath: String = "data/flowcoach-spill.journal"
    /// Queued records after which a store outage spills to the journal
    /// (`database.spill_after_records`).
    public var spillAfterRecords: Int = 16_384
    /// How long the writer gathers checkpoints after the first before it commits them in one
    /// transaction (`database.commit_delay_ms`, 0…1000): longer costs less CPU and fewer syncs
    /// per checkpoint and answers `durable` up to that much later.
    public var commitDelayMs: Int = 2
    /// The coaching service: sessions, limits, authentication, leaderboards.
    public var coaching = CoachingSettings()
    /// Several nodes on one PostgreSQL (`cluster.*`).
    public var cluster = ClusterSettings()

    public init() {}

    /// The TLS settings, when a TLS listener is configured.
    public var tlsConfiguration: TLSConfiguration? {
        guard tlsPort != nil, let chain = tlsCertificateChainPath, let key = tlsPrivateKeyPath else { return nil }
        var configuration = TLSConfiguration(certificateChainPath: chain, privateKeyPath: key)
        configuration.builtInRecordCiphers = tlsBuiltInRecordCiphers
        configuration.ownRecordLayer = tlsOwnRecordLayer
        return configuration
    }

    /// CPUs this process may use: online, in its affinity mask and within its cgroup's CPU
    /// quota (at least 1).
    public static var coreCount: Int { CoreCount.usable() }

    /// Rejects values that cannot work, naming the key.
    public func validate() throws(ConfigurationError) {
        if loops < 1 || loops > 256 { throw .invalid(key: "server.loops", reason: "must be 1...256, got \(loops)") }
        if handshakeTimeoutMs < 100 { throw .invalid(key: "websocket.handshake_timeout_ms", reason: "must be ≥ 100") }
        if pingIntervalMs < 1000 { throw .invalid(key: "websocket.ping_interval_ms", reason: "must be ≥ 1000") }
        if missedPongsBeforeClose < 1 { throw .invalid(key: "websocket.missed_pongs", reason: "must be ≥ 1") }
        if maxFrameBytes < 125 { throw .invalid(key: "websocket.max_frame_bytes", reason: "must be ≥ 125") }
        if maxMessageBytes < maxFrameBytes && maxMessageBytes < 125 {
            throw .invalid(key: "websocket.max_message_bytes", reason: "must be ≥ 125")
        }
        if maxOutboundBytes < 64 << 10 { throw .invalid(key: "websocket.max_outbound_bytes", reason: "must be ≥ 65536") }
        if maxStallMs < 100 { throw .invalid(key: "websocket.max_stall_ms", reason: "must be ≥ 100") }
        if !["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) {
            throw .invalid(key: "log.level", reason: "unknown level '\(logLevel)'")
        }
        if tlsPort != nil && (tlsCertificateChainPath == nil || tlsPrivateKeyPath == nil) {
            throw .invalid(key: "tls.port", reason: "needs tls.certificate_chain and tls.private_key")
        }
        if !plaintextEnabled && tlsPort == nil {
            throw .invalid(key: "server.plaintext", reason: "cannot be false without a TLS listener (tls.port)")
        }
        try compression.validate()
        try coaching.validate()
        try cluster.validate()
        if cluster.enabled && databaseURL == nil {
            throw .invalid(
                key: "cluster.enabled",
                reason: "several nodes share one PostgreSQL database: set database.url (SQLite is single-node)")
        }
        if databasePath.isEmpty { throw .invalid(key: "database.path", reason: "must not be empty") }
        if spillAfterRecords < 1 { throw .invalid(key: "database.spill_after_records", reason: "must be ≥ 1") }
        if !(0...1_000).contains(commitDelayMs) {
            throw .invalid(key: "database.commit_delay_ms", reason: "must be 0…1000, got \(commitDelayMs)")
        }
        if !["json", "text"].contains(logFormat) { throw .invalid(key: "log.format", reason: "must be json or text") }
        if heapTrimIntervalMs != 0 && !(1_000...3_600_000).contains(heapTrimIntervalMs) {
            throw .invalid(key: "server.heap_trim_interval_ms", reason: "must be 0 (off) or 1000…3600000")
        }
        if let metricsListen, Self.hostAndPort(metricsListen) == nil {
            throw .invalid(key: "metrics.listen", reason: "must be host:port (127.0.0.1:9464, [::1]:9464)")
        }
    }

    /// Splits `host:port` (`[v6]:port` for IPv6); nil when it is not of that form.
    static func hostAndPort(_ text: String) -> (host: String, port: UInt16)? {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        var host = text[..<colon]
        if host.hasPrefix("[") && host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty, !host.contains(where: { $0 == "[" || $0 == "]" || $0.isWhitespace }) else { return nil }
        return (String(host), port)
    }
}

/// A configuration value that cannot be used.
public enum ConfigurationError: Error, CustomStringConvertible, Equatable {
    case invalid(key: String, reason: String)
    case unreadableFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalid(let key, let reason): "configuration key '\(key)': \(reason)"
        case .unreadableFile(let path, let reason): "configuration file \(path): \(reason)"
        }
    }
}
