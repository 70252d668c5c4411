/// Creates the run's users and tokens with the server's admin commands (V1_CONTRACT.md):
/// `flowcoach user add NAME --database PATH` and
/// `flowcoach token create NAME --scope ingest|read --database PATH`, which prints the token.
public struct TokenProvisioner: Sendable {
    public var flowcoachBinary: String
    public var databasePath: String
    /// User names are `<prefix>-<n>`; a random prefix per run keeps runs against one store apart.
    public var namePrefix: String

    public init(flowcoachBinary: String, databasePath: String, namePrefix: String) {
        self.flowcoachBinary = flowcoachBinary
        self.databasePath = databasePath
        self.namePrefix = namePrefix
    }

    /// A prefix like `soak-3f9a1c`.
    public static func randomPrefix() -> String {
        var generator = SystemRandomNumberGenerator()
        return "soak-" + String(generator.next() & 0xFF_FFFF, radix: 16)
    }

    /// Creates `users` users with an ingest token each, and a read token for the first
    /// `readTokens` of them. `progress` is called every 100 users.
    public func provision(users: Int, readTokens: Int, progress: (Int) -> Void = { _ in }) throws -> SoakTokens {
        var tokens = SoakTokens()
        for index in 0..<users {
            let name = "\(namePrefix)-\(index)"
            _ = try ProcessRunner.run([flowcoachBinary, "user", "add", name, "--database", databasePath])
            tokens.ingest.append(try token(name, scope: "ingest"))
            tokens.read.append(index < readTokens ? try token(name, scope: "read") : nil)
            if (index + 1) % 100 == 0 { progress(index + 1) }
        }
        return tokens
    }

    private func token(_ user: String, scope: String) throws -> String {
        let output = try ProcessRunner.run([flowcoachBinary, "token", "create", user, "--scope", scope, "--database", databasePath])
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("fc_") }) else {
            throw ProcessRunner.Failure(description: "token create \(user) printed no token: \(output)")
        }
        return String(line)
    }
}
