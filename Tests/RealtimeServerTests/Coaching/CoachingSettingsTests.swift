@testable import CoachingCore
import Configuration
@testable import RealtimeServer
import Testing

struct CoachingSettingsTests {
    @Test("coaching keys come from FLOWCOACH_* variables")
    func fromEnvironment() async throws {
        let configuration = try await ConfigurationLoader.load(filePath: nil, overrides: [:], environment: [
            "FLOWCOACH_SESSIONS_CHECKPOINT_INTERVAL_MS": "500",
            "FLOWCOACH_SESSIONS_RESUME_WINDOW_MS": "3000",
            "FLOWCOACH_LIMITS_MESSAGES_PER_SECOND": "7",
            "FLOWCOACH_LIMITS_CONNECTIONS_PER_IP": "9",
            "FLOWCOACH_DATABASE_PATH": "/tmp/x.sqlite",
        ])
        #expect(configuration.coaching.checkpointIntervalMs == 500)
        #expect(configuration.coaching.resumeWindowMs == 3_000)
        #expect(configuration.coaching.messagesPerSecond == 7)
        #expect(configuration.coaching.maxConnectionsPerIP == 9)
        #expect(configuration.databasePath == "/tmp/x.sqlite")
        #expect(configuration.coaching.maxMessageBytes == 64 << 10)
    }

    @Test("a checkpoint interval beyond 30 s is refused, naming the key")
    func checkpointBound() {
        var settings = CoachingSettings()
        settings.checkpointIntervalMs = 60_000
        #expect(throws: ConfigurationError.invalid(
            key: "sessions.checkpoint_interval_ms", reason: "must be 50...30000 (DESIGN.md: at least every 30 s)")) {
            try settings.validate()
        }
    }
}
