import LoopKit
import Synchronization

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
    /// `readTokens` of them, running `parallelism` admin commands at a time (SQLite WAL
    /// serialises the writes; the processes' start-up is what runs in parallel).
    public func provision(users: Int, readTokens: Int, parallelism: Int = 4) throws -> SoakTokens {
        let results = Mutex([(ingest: String, read: String?)?](repeating: nil, count: users))
        let failure = Mutex<String?>(nil)
        let next = Atomic<Int>(0)
        let workers = (0..<Swift.max(1, Swift.min(parallelism, users))).compactMap { worker in
            try? LoopThread(name: "soak-provision") {
                while failure.withLock({ $0 == nil }) {
                    let index = next.add(1, ordering: .relaxed).oldValue
                    guard index < users else { return }
                    let name = "\(namePrefix)-\(index)"
                    do {
                        _ = try ProcessRunner.run([flowcoachBinary, "user", "add", name, "--database", databasePath])
                        let ingest = try token(name, scope: "ingest")
                        let read = index < readTokens ? try token(name, scope: "read") : nil
                        results.withLock { $0[index] = (ingest, read) }
                    } catch {
                        failure.withLock { $0 = $0 ?? "\(error)" }
                    }
                }
            }
        }
        for worker in workers { worker.join() }
        if let message = failure.withLock({ $0 }) { throw ProcessRunner.Failure(description: message) }
        var tokens = SoakTokens()
        for entry in results.withLock({ $0 }) {
            guard let entry else { throw ProcessRunner.Failure(description: "a user was not created") }
            tokens.ingest.append(entry.ingest)
            tokens.read.append(entry.read)
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
