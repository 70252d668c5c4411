import Foundation
import SoakKit
import Testing

struct ProfileTests {
    /// The repository root: the first ancestor of this file (symlinks resolved, as dev
    /// packages link the test directory) that holds config/soak.
    static let repository: URL = {
        var directory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while directory.path != "/" && !FileManager.default.fileExists(atPath: directory.appendingPathComponent("config/soak").path) {
            directory = directory.deletingLastPathComponent()
        }
        return directory
    }()

    private func load(_ json: String) throws(ConfigurationError) -> SoakConfiguration {
        var configuration = SoakConfiguration()
        try configuration.apply(profile: Array(json.utf8), name: "test")
        return configuration
    }

    @Test("a profile sets the values it names and leaves the rest at their defaults")
    func applies() throws {
        let configuration = try load(#"{"description":"x","users":7,"sessions_per_user":3,"interval_ms":250,"duration_s":12.5,"compression":true,"channels":["stats:me"],"ca_file":null,"seed":9}"#)
        #expect(configuration.users == 7)
        #expect(configuration.sessionCount == 21)
        #expect(configuration.intervalMs == 250)
        #expect(configuration.durationSeconds == 12.5)
        #expect(configuration.compression)
        #expect(configuration.channels == ["stats:me"])
        #expect(configuration.seed == 9)
        #expect(configuration.windowMs == SoakConfiguration().windowMs)
    }

    @Test("an unknown key or a mistyped value is refused with the key named")
    func refuses() {
        #expect(throws: ConfigurationError.self) { try load(#"{"user":7}"#) }
        do {
            _ = try load(#"{"intervall_ms":7}"#)
            Issue.record("accepted a typo")
        } catch {
            #expect(error.message.contains("intervall_ms"))
        }
        #expect(throws: ConfigurationError.self) { try load(#"{"users":"7"}"#) }
        #expect(throws: ConfigurationError.self) { try load("[]") }
    }

    @Test("every profile in config/soak loads and validates", arguments: ["smoke", "steady", "peak", "c100k", "chaos"])
    func bundledProfiles(name: String) throws {
        let path = Self.repository.appendingPathComponent("config/soak/\(name).json").path
        let data = try #require(FileManager.default.contents(atPath: path), "missing \(path)")
        var configuration = SoakConfiguration()
        try configuration.apply(profile: Array(data), name: name)
        _ = try configuration.validated()
    }

    @Test("the bundled profiles have the documented sizes")
    func sizes() throws {
        func profile(_ name: String) throws -> SoakConfiguration {
            let data = try #require(FileManager.default.contents(atPath: Self.repository.appendingPathComponent("config/soak/\(name).json").path))
            var configuration = SoakConfiguration()
            try configuration.apply(profile: Array(data), name: name)
            return configuration
        }
        let smoke = try profile("smoke")
        #expect(smoke.sessionCount == 100 && smoke.durationSeconds + Double(smoke.drainTimeoutMs) / 1000 < 70)
        let steady = try profile("steady")
        #expect(steady.sessionCount == 10_000 && steady.intervalMs == 5_000 && steady.durationSeconds == 600)
        #expect(try profile("peak").sessionCount == 1_000)
        let c100k = try profile("c100k")
        #expect(c100k.sessionCount == 100_000 && c100k.sourceAddresses > 100_000 / 28_000)
        let chaos = try profile("chaos")
        #expect(chaos.churnPerSecond > 0 && chaos.expectRestarts > 0)
    }

    @Test("--profile NAME is looked up in config/soak under the working directory, then near the executable")
    func candidates() {
        let paths = SoakConfiguration.profileCandidates(name: "smoke", workingDirectory: "/w", executablePath: "/repo/.build/debug/flowcoach-soak")
        #expect(paths.first == "/w/config/soak/smoke.json")
        #expect(paths.contains("/repo/config/soak/smoke.json"))
        #expect(SoakConfiguration.profileCandidates(name: "x/y.json", workingDirectory: "/w", executablePath: "/e") == ["x/y.json"])
    }
}

struct SoakTargetTests {
    @Test("ws and wss URLs are parsed into host, port and path")
    func parse() throws {
        let plain = try SoakTarget(url: "ws://127.0.0.1:8080/v1/ws")
        #expect(!plain.isSecure && plain.host == "127.0.0.1" && plain.port == 8080 && plain.path == "/v1/ws")
        let secure = try SoakTarget(url: "wss://localhost")
        #expect(secure.isSecure && secure.port == 443 && secure.path == "/v1/ws" && secure.hostHeader == "localhost")
        #expect(throws: ConfigurationError.self) { try SoakTarget(url: "http://x") }
        #expect(throws: ConfigurationError.self) { try SoakTarget(url: "ws://x:99999/") }
    }

    @Test("loopback only, unless the operator names the host")
    func loopbackRule() throws {
        var configuration = SoakConfiguration()
        configuration.url = "ws://127.0.0.5:9/v1/ws"
        _ = try configuration.validated()
        configuration.url = "ws://10.0.0.8:9/v1/ws"
        #expect(throws: ConfigurationError.self) { try configuration.validated() }
        configuration.allowRemoteHost = "10.0.0.8"
        _ = try configuration.validated()
        configuration.sourceAddresses = 4
        #expect(throws: ConfigurationError.self) { try configuration.validated() }
    }

    @Test("a run must end by itself and have something to run")
    func bounds() {
        var configuration = SoakConfiguration()
        configuration.durationSeconds = 0
        #expect(throws: ConfigurationError.self) { try configuration.validated() }
        configuration.messages = 100
        #expect((try? configuration.validated()) != nil)
        configuration.users = 0
        #expect(throws: ConfigurationError.self) { try configuration.validated() }
    }
}

struct SoakTokensTests {
    @Test("a token file gives one user per line, with an optional read token")
    func parse() {
        let tokens = SoakTokens(fileContents: "# users\nfc_i_a fc_r_a\n\nfc_i_b\r\n")
        #expect(tokens.ingest == ["fc_i_a", "fc_i_b"])
        #expect(tokens.read == ["fc_r_a", nil])
        #expect(SoakTokens(fileContents: tokens.fileContents) == tokens)
    }
}
