import CoachingCore
import ArgumentParser
import Configuration
import Foundation
import Logging
import RealtimeServer

/// `flowcoach serve`: runs the server until SIGTERM/SIGINT, then shuts down gracefully.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server (flags override FLOWCOACH_* environment variables, which override the config file).")

    @Option(help: "Address to listen on (server.host).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (server.port).")
    var port: Int?

    @Option(help: "Event loop threads; default one per core (server.loops).")
    var loops: Int?

    @Option(help: "JSON configuration file (see config/flowcoach.json).")
    var config: String?

    @Flag(help: "Enable the diagnostic /echo WebSocket route (websocket.echo).")
    var echo = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (log.level).")
    var logLevel: String?

    @Option(help: "TLS port for wss:// (tls.port); needs --tls-cert and --tls-key.")
    var tlsPort: Int?

    @Option(help: "PEM certificate chain, leaf first (tls.certificate_chain).")
    var tlsCert: String?

    @Option(help: "PEM private key (tls.private_key).")
    var tlsKey: String?

    @Option(help: "Write the bound port(s) to this file once listening: 'PORT' or 'PORT TLS_PORT'.")
    var portFile: String?

    @Option(help: ArgumentHelp("SQLite database file of the embedded store (database.path).", valueName: "path"))
    var database: String?

    @Option(help: ArgumentHelp("PostgreSQL URL; replaces SQLite (database.url, FLOWCOACH_DATABASE_URL).", valueName: "url"))
    var databaseURL: String?

    func run() async throws {
        var overrides: [String: ConfigValue] = [:]
        if let host { overrides["server.host"] = ConfigValue(.string(host), isSecret: false) }
        if let port { overrides["server.port"] = ConfigValue(.int(port), isSecret: false) }
        if let loops { overrides["server.loops"] = ConfigValue(.int(loops), isSecret: false) }
        if let tlsPort { overrides["tls.port"] = ConfigValue(.int(tlsPort), isSecret: false) }
        if let tlsCert { overrides["tls.certificate_chain"] = ConfigValue(.string(tlsCert), isSecret: false) }
        if let tlsKey { overrides["tls.private_key"] = ConfigValue(.string(tlsKey), isSecret: false) }
        if echo { overrides["websocket.echo"] = ConfigValue(.bool(true), isSecret: false) }
        if let logLevel { overrides["log.level"] = ConfigValue(.string(logLevel), isSecret: false) }
        if let database { overrides["database.path"] = ConfigValue(.string(database), isSecret: false) }
        if let databaseURL { overrides["database.url"] = ConfigValue(.string(databaseURL), isSecret: true) }

        let settings: ServerConfiguration
        do {
            settings = try await ConfigurationLoader.load(
                filePath: config, overrides: overrides, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ValidationError("\(error)")
        }
        let format = settings.logFormat
        let level = Logger.Level(rawValue: settings.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == "json" ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "flowcoach")

        try ProcessSignals.install()
        let services = try StoreSetup.openServices(configuration: settings, logger: logger)
        try services.start()
        let server = try Server(configuration: settings, logger: logger, services: services)
        try server.start()
        let heapTrimmer = HeapTrimmer(intervalMs: settings.heapTrimIntervalMs, logger: logger)
        heapTrimmer.start()
        if let portFile {
            let ports = settings.tlsPort == nil ? "\(server.port)\n" : "\(server.port) \(server.tlsPort)\n"
            try ports.write(toFile: portFile, atomically: true, encoding: .utf8)
        }
        while true {
            switch ProcessSignals.wait() {
            case .terminate:
                logger.info("shutting down", metadata: ["grace_ms": "\(settings.shutdownGraceMs)"])
                server.shutdown()
                server.waitUntilStopped()
                heapTrimmer.stop()
                services.shutdown()
                logger.info("stopped")
                return
            case .reload:
                do {
                    try server.reloadCertificates()
                } catch {
                    logger.error("certificate reload failed; keeping the current one", metadata: ["error": "\(error)"])
                }
            }
        }
    }
}
