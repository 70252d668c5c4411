@testable import CoachingCore
import Configuration
import Foundation
import Testing

@testable import RealtimeServer

struct ConfigurationLoaderTests {
    @Test("defaults apply when nothing is configured")
    func defaults() async throws {
        let config = try await ConfigurationLoader.load(filePath: nil, overrides: [:], environment: [:])
        #expect(config == ServerConfiguration())
        #expect(config.echoEnabled == false)
        #expect(config.port == 8080)
    }

    @Test("flags override the environment, which overrides the file")
    func precedence() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("fc-\(UUID()).json")
        try #"{"server":{"port":9000,"host":"0.0.0.0"},"websocket":{"echo":true,"ping_interval_ms":5000}}"#
            .write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let config = try await ConfigurationLoader.load(
            filePath: file.path,
            overrides: ["server.port": ConfigValue(.int(9100), isSecret: false)],
            environment: ["FLOWCOACH_SERVER_PORT": "9050", "FLOWCOACH_WEBSOCKET_PING_INTERVAL_MS": "7000"])
        #expect(config.port == 9100)
        #expect(config.pingIntervalMs == 7000)
        #expect(config.host == "0.0.0.0")
        #expect(config.echoEnabled)
    }

    @Test("an invalid value is refused with the key named")
    func invalidValue() async throws {
        await #expect(throws: ConfigurationError.invalid(key: "server.port", reason: "must be 0...65535, got 70000")) {
            try await ConfigurationLoader.load(
                filePath: nil, overrides: [:], environment: ["FLOWCOACH_SERVER_PORT": "70000"])
        }
        await #expect(throws: ConfigurationError.self) {
            try await ConfigurationLoader.load(filePath: nil, overrides: [:], environment: ["FLOWCOACH_LOG_LEVEL": "loud"])
        }
    }

    @Test("database.commit_delay_ms reaches the writer's linger and is bounded to 0…1000")
    func commitDelay() async throws {
        let config = try await ConfigurationLoader.load(
            filePath: nil, overrides: [:], environment: ["FLOWCOACH_DATABASE_COMMIT_DELAY_MS": "250"])
        #expect(config.commitDelayMs == 250)
        #expect(ServerConfiguration().commitDelayMs == 2)
        await #expect(throws: ConfigurationError.invalid(key: "database.commit_delay_ms", reason: "must be 0…1000, got 5000")) {
            try await ConfigurationLoader.load(
                filePath: nil, overrides: [:], environment: ["FLOWCOACH_DATABASE_COMMIT_DELAY_MS": "5000"])
        }
    }

    @Test("metrics.listen takes host:port (IPv6 in brackets) and refuses anything else")
    func metricsListen() async throws {
        let config = try await ConfigurationLoader.load(
            filePath: nil, overrides: [:], environment: ["FLOWCOACH_METRICS_LISTEN": "127.0.0.1:9464"])
        #expect(config.metricsListen == "127.0.0.1:9464")
        #expect(ServerConfiguration.hostAndPort("127.0.0.1:9464")! == ("127.0.0.1", 9464))
        #expect(ServerConfiguration.hostAndPort("[::1]:0")! == ("::1", 0))
        for bad in ["9464", ":9464", "host:", "host:70000", "[::1]", "a b:1"] {
            #expect(ServerConfiguration.hostAndPort(bad) == nil, "\(bad)")
        }
        await #expect(throws: ConfigurationError.self) {
            try await ConfigurationLoader.load(filePath: nil, overrides: [:], environment: ["FLOWCOACH_METRICS_LISTEN": "9464"])
        }
    }

    @Test("a missing configuration file is an error naming the file")
    func missingFile() async throws {
        do {
            _ = try await ConfigurationLoader.load(filePath: "/nonexistent/flowcoach.json", overrides: [:], environment: [:])
            Issue.record("expected an error")
        } catch let error as ConfigurationError {
            #expect("\(error)".contains("/nonexistent/flowcoach.json"))
        }
    }

    @Test("the shipped config/flowcoach.json lists every key with its default")
    func shippedFileMatchesDefaults() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("config/flowcoach.json").path
        let config = try await ConfigurationLoader.load(filePath: path, overrides: [:], environment: [:])
        var expected = ServerConfiguration()
        expected.loops = config.loops  // the file leaves loops to the core count
        #expect(config == expected)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for key in ConfigurationLoader.keys where key != "server.loops" {
            #expect(text.contains("\"\(key.split(separator: ".").last ?? "")\""), "config/flowcoach.json lacks \(key)")
        }
    }
}
