import CoachingCore
public import Configuration
import SystemPackage

/// Builds a `ServerConfiguration` from, in order of precedence: command-line overrides,
/// `FLOWCOACH_*` environment variables (key `server.port` ↔ `FLOWCOACH_SERVER_PORT`), a
/// JSON file, and the built-in defaults.
public enum ConfigurationLoader {
    /// Every key the server reads, with the `ServerConfiguration` property it sets.
    public static let keys: [String] = [
        "server.host", "server.port", "server.plaintext", "tls.port", "tls.certificate_chain", "tls.private_key", "tls.builtin_record_ciphers", "tls.own_record_layer", "server.loops", "server.max_connections_per_loop", "server.shutdown_grace_ms", "server.heap_trim_interval_ms",
        "websocket.echo", "websocket.handshake_timeout_ms", "websocket.ping_interval_ms", "websocket.missed_pongs",
        "websocket.close_timeout_ms", "websocket.max_frame_bytes", "websocket.max_message_bytes",
        "websocket.max_outbound_bytes", "websocket.max_stall_ms", "websocket.allowed_origins", "metrics.token", "metrics.listen",
        "log.level", "log.format",
        "compression.enabled", "compression.server_max_window_bits", "compression.client_max_window_bits",
        "compression.mem_level", "compression.level", "compression.server_no_context_takeover",
        "compression.request_client_no_context_takeover", "compression.threshold_bytes",
        "database.path", "database.url", "database.spill_journal", "database.spill_after_records",
        "database.commit_delay_ms",
        "sessions.checkpoint_interval_ms", "sessions.resume_window_ms", "sessions.max_per_user",
        "sessions.max_seq_gap", "sessions.max_clock_skew_ms",
        "limits.messages_per_second", "limits.message_burst", "limits.max_message_bytes",
        "limits.subscriptions_per_connection", "limits.connections_per_user", "limits.connections_per_ip",
        "limits.max_consecutive_errors", "auth.hello_timeout_ms", "auth.revocation_check_ms", "leaderboard.publish_interval_ms",
        "cluster.enabled", "cluster.node_id", "cluster.advertise_address", "cluster.heartbeat_ms",
        "cluster.acquire_timeout_ms", "cluster.statement_timeout_ms",
    ]

    /// Loads the layered configuration.
    /// - Parameters:
    ///   - filePath: a JSON configuration file (missing → error); nil for none.
    ///   - overrides: values from command-line flags, keyed like the file (`server.port`).
    ///   - environment: the process environment (injectable for tests).
    public static func load(
        filePath: String?, overrides: [String: ConfigValue], environment: [String: String]
    ) async throws -> ServerConfiguration {
        var providers: [any ConfigProvider] = [
            InMemoryProvider(
                name: "flags",
                values: Dictionary(uniqueKeysWithValues: overrides.map { (AbsoluteConfigKey(ConfigKey($0.key)), $0.value) })),
            KeyMappingProvider(upstream: EnvironmentVariablesProvider(environmentVariables: environment)) { key in
                key.prepending(["flowcoach"])
            },
        ]
        if let filePath {
            do {
                providers.append(try await FileProvider<JSONSnapshot>(filePath: FilePath(filePath)))
            } catch {
                throw ConfigurationError.unreadableFile(path: filePath, reason: "\(error)")
            }
        }
        return try read(ConfigReader(providers: providers))
    }

    /// Reads every key from `reader` over the defaults and validates the result.
    public static func read(_ reader: ConfigReader) throws -> ServerConfiguration {
        var config = ServerConfiguration()
        config.host = reader.string(forKey: "server.host", default: config.host)
        config.port = try port(reader.int(forKey: "server.port", default: Int(config.port)), key: "server.port")
        config.plaintextEnabled = reader.bool(forKey: "server.plaintext", default: config.plaintextEnabled)
        if let tlsPort = reader.int(forKey: "tls.port") {
            config.tlsPort = try port(tlsPort, key: "tls.port")
        }
        config.tlsCertificateChainPath = reader.string(forKey: "tls.certificate_chain")
        config.tlsPrivateKeyPath = reader.string(forKey: "tls.private_key")
        config.tlsBuiltInRecordCiphers = reader.bool(
            forKey: "tls.builtin_record_ciphers", default: config.tlsBuiltInRecordCiphers)
        config.tlsOwnRecordLayer = reader.bool(forKey: "tls.own_record_layer", default: config.tlsOwnRecordLayer)
        config.loops = reader.int(forKey: "server.loops", default: config.loops)
        config.maxConnectionsPerLoop = reader.int(forKey: "server.max_connections_per_loop", default: config.maxConnectionsPerLoop)
        config.shutdownGraceMs = Int64(reader.int(forKey: "server.shutdown_grace_ms", default: Int(config.shutdownGraceMs)))
        config.heapTrimIntervalMs = Int64(reader.int(forKey: "server.heap_trim_interval_ms", default: Int(config.heapTrimIntervalMs)))
        config.echoEnabled = reader.bool(forKey: "websocket.echo", default: config.echoEnabled)
        config.handshakeTimeoutMs = Int64(reader.int(forKey: "websocket.handshake_timeout_ms", default: Int(config.handshakeTimeoutMs)))
        config.pingIntervalMs = Int64(reader.int(forKey: "websocket.ping_interval_ms", default: Int(config.pingIntervalMs)))
        config.missedPongsBeforeClose = reader.int(forKey: "websocket.missed_pongs", default: config.missedPongsBeforeClose)
        config.closeTimeoutMs = Int64(reader.int(forKey: "websocket.close_timeout_ms", default: Int(config.closeTimeoutMs)))
        config.maxFrameBytes = reader.int(forKey: "websocket.max_frame_bytes", default: config.maxFrameBytes)
        config.maxMessageBytes = reader.int(forKey: "websocket.max_message_bytes", default: config.maxMessageBytes)
        config.maxOutboundBytes = reader.int(forKey: "websocket.max_outbound_bytes", default: config.maxOutboundBytes)
        config.maxStallMs = Int64(reader.int(forKey: "websocket.max_stall_ms", default: Int(config.maxStallMs)))
        config.allowedOrigins = (reader.string(forKey: "websocket.allowed_origins") ?? "")
            .split(separator: ",").map { String($0.filter { !$0.isWhitespace }).lowercased() }.filter { !$0.isEmpty }
        config.metricsToken = reader.string(forKey: "metrics.token", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        config.metricsListen = reader.string(forKey: "metrics.listen").flatMap { $0.isEmpty ? nil : $0 }
        config.logLevel = reader.string(forKey: "log.level", default: config.logLevel)
        config.logFormat = reader.string(forKey: "log.format", default: config.logFormat)
        var compression = config.compression
        compression.enabled = reader.bool(forKey: "compression.enabled", default: compression.enabled)
        compression.serverMaxWindowBits = reader.int(forKey: "compression.server_max_window_bits", default: compression.serverMaxWindowBits)
        compression.clientMaxWindowBits = reader.int(forKey: "compression.client_max_window_bits", default: compression.clientMaxWindowBits)
        compression.memLevel = reader.int(forKey: "compression.mem_level", default: compression.memLevel)
        compression.level = reader.int(forKey: "compression.level", default: compression.level)
        compression.serverNoContextTakeover = reader.bool(
            forKey: "compression.server_no_context_takeover", default: compression.serverNoContextTakeover)
        compression.requestClientNoContextTakeover = reader.bool(
            forKey: "compression.request_client_no_context_takeover", default: compression.requestClientNoContextTakeover)
        compression.thresholdBytes = reader.int(forKey: "compression.threshold_bytes", default: compression.thresholdBytes)
        config.compression = compression
        config.databasePath = reader.string(forKey: "database.path", default: config.databasePath)
        config.databaseURL = reader.string(forKey: "database.url", isSecret: true)
        config.spillJournalPath = reader.string(forKey: "database.spill_journal", default: config.spillJournalPath)
        config.spillAfterRecords = reader.int(forKey: "database.spill_after_records", default: config.spillAfterRecords)
        config.commitDelayMs = reader.int(forKey: "database.commit_delay_ms", default: config.commitDelayMs)
        config.coaching = readCoaching(reader)
        config.cluster.enabled = reader.bool(forKey: "cluster.enabled", default: false)
        config.cluster.nodeId = reader.string(forKey: "cluster.node_id").flatMap { $0.isEmpty ? nil : $0 }
        config.cluster.advertiseAddress = reader.string(forKey: "cluster.advertise_address").flatMap { $0.isEmpty ? nil : $0 }
        config.cluster.heartbeatMs = Int64(reader.int(forKey: "cluster.heartbeat_ms", default: Int(config.cluster.heartbeatMs)))
        config.cluster.acquireTimeoutMs = Int64(
            reader.int(forKey: "cluster.acquire_timeout_ms", default: Int(config.cluster.acquireTimeoutMs)))
        config.cluster.statementTimeoutMs = Int64(
            reader.int(forKey: "cluster.statement_timeout_ms", default: Int(config.cluster.statementTimeoutMs)))
        try config.validate()
        return config
    }

    private static func readCoaching(_ reader: ConfigReader) -> CoachingSettings {
        var settings = CoachingSettings()
        func milliseconds(_ key: String, _ value: Int64) -> Int64 { Int64(reader.int(forKey: ConfigKey(key), default: Int(value))) }
        func count(_ key: String, _ value: Int) -> Int { reader.int(forKey: ConfigKey(key), default: value) }
        settings.checkpointIntervalMs = milliseconds("sessions.checkpoint_interval_ms", settings.checkpointIntervalMs)
        settings.resumeWindowMs = milliseconds("sessions.resume_window_ms", settings.resumeWindowMs)
        settings.maxSessionsPerUser = count("sessions.max_per_user", settings.maxSessionsPerUser)
        settings.maxSeqGap = milliseconds("sessions.max_seq_gap", settings.maxSeqGap)
        settings.maxClockSkewMs = milliseconds("sessions.max_clock_skew_ms", settings.maxClockSkewMs)
        settings.messagesPerSecond = count("limits.messages_per_second", settings.messagesPerSecond)
        settings.messageBurst = count("limits.message_burst", settings.messageBurst)
        settings.maxMessageBytes = count("limits.max_message_bytes", settings.maxMessageBytes)
        settings.maxSubscriptionsPerConnection = count("limits.subscriptions_per_connection", settings.maxSubscriptionsPerConnection)
        settings.maxConnectionsPerUser = count("limits.connections_per_user", settings.maxConnectionsPerUser)
        settings.maxConnectionsPerIP = count("limits.connections_per_ip", settings.maxConnectionsPerIP)
        settings.maxConsecutiveErrors = count("limits.max_consecutive_errors", settings.maxConsecutiveErrors)
        settings.helloTimeoutMs = milliseconds("auth.hello_timeout_ms", settings.helloTimeoutMs)
        settings.revocationCheckMs = milliseconds("auth.revocation_check_ms", settings.revocationCheckMs)
        settings.publishIntervalMs = milliseconds("leaderboard.publish_interval_ms", settings.publishIntervalMs)
        return settings
    }

    private static func port(_ value: Int, key: String) throws(ConfigurationError) -> UInt16 {
        guard let port = UInt16(exactly: value) else {
            throw .invalid(key: key, reason: "must be 0...65535, got \(value)")
        }
        return port
    }
}
