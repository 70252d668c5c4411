import Testing
@testable import CoachingCore

/// DESIGN.md "Data guarantees" against the pure shard: flow answers, duplicates, gaps,
/// durable acks, resume from memory and from the store, the session bounds.
struct ShardSessionContractTests {
    @Test("a new session is started when the store does not know it, and every activity gets its flow")
    func startAndFlow() {
        let harness = ShardHarness()
        let connection = harness.connect(ShardHarness.user("ada"))
        let session = ShardHarness.newSession()
        harness.start(connection, session)
        let started = harness.last(connection)
        #expect(started["type"] as? String == "session.started" && started["resumed"] as? Bool == false)
        for seq in 1...3 {
            harness.advance(ms: 5_000)
            harness.activity(connection, session, seq: Int64(seq))
            let flow = harness.last(connection)
            #expect(flow["type"] as? String == "flow" && flow["seq"] as? Int == seq && flow["duplicate"] == nil)
        }
    }

    @Test("a replayed seq is answered again, marked duplicate, and counted once")
    func duplicates() {
        let harness = ShardHarness()
        let connection = harness.connect(ShardHarness.user("ada"))
        let session = ShardHarness.newSession()
        harness.start(connection, session)
        harness.advance(ms: 5_000)
        harness.activity(connection, session, seq: 1, keystrokes: 30)
        let first = harness.last(connection)
        harness.activity(connection, session, seq: 1, keystrokes: 30)
        let again = harness.last(connection)
        #expect(again["duplicate"] as? Bool == true && again["state"] as? String == first["state"] as? String)
        harness.send(connection, ["type": "session.end", "session": session, "seq": 1, "at_ms": harness.time.wallMs])
        #expect(harness.last(connection)["keystrokes"] as? Int == 30)
    }

    @Test("a replayed seq among the last four gets its first answer byte for byte, marked duplicate")
    func duplicatesAreTheSameBytes() {
        let harness = ShardHarness()
        let connection = harness.connect(ShardHarness.user("ada"))
        let session = ShardHarness.newSession()
        harness.start(connection, session)
        func lastText() -> String { harness.shell.texts.last { $0.id == connection.id }?.text ?? "" }
        // Windows that differ, so that the state, scores and components move from answer to answer.
        let windows: [(keystrokes: Int, switches: Int)] = [(30, 0), (120, 0), (400, 1), (5, 6), (250, 0), (0, 0), (300, 2)]
        var originals: [Int64: String] = [:]
        for (index, window) in windows.enumerated() {
            let seq = Int64(index + 1)
            harness.advance(ms: 5_000)
            harness.activity(connection, session, seq: seq, keystrokes: window.keystrokes, switches: window.switches)
            originals[seq] = lastText()
        }
        #expect(Set(originals.values.map { $0.replacing(/"seq":\d+/, with: "") }).count > 3, "the answers differ")
        #expect(originals.values.contains { !$0.contains(#""intensity":0.000"#) })
        for seq in Int64(windows.count - 3)...Int64(windows.count) {
            harness.activity(connection, session, seq: seq, keystrokes: 1, switches: 9)
            let original = originals[seq] ?? ""
            #expect(lastText() == original.dropLast() + #","duplicate":true}"#, "seq \(seq)")
        }
        // Older than the last four: the latest state, under its own seq.
        harness.activity(connection, session, seq: 2)
        let latest = originals[Int64(windows.count)] ?? ""
        #expect(lastText() == latest.replacing(#""seq":\#(windows.count),"#, with: #""seq":2,"#).dropLast() + #","duplicate":true}"#)
    }

    @Test("durable follows the checkpoint that covers a seq, only after the writer acknowledged it")
    func durableAfterCheckpoint() throws {
        var settings = CoachingSettings()
        settings.checkpointIntervalMs = 10_000
        let harness = ShardHarness(settings: settings)
        let connection = harness.connect(ShardHarness.user("ada"))
        let session = ShardHarness.newSession()
        harness.start(connection, session)
        harness.activity(connection, session, seq: 1)
        harness.activity(connection, session, seq: 2)
        #expect(harness.shell.messages(to: connection.id).allSatisfy { $0["type"] as? String != "durable" })
        harness.tick(for: 10_000)
        let checkpoint = try #require(harness.shell.checkpoints.last)
        #expect(checkpoint.seq == 2 && checkpoint.sessionId == session)
        harness.acknowledgeCheckpoints()
        let durable = harness.last(connection)
        #expect(durable["type"] as? String == "durable" && durable["seq"] as? Int == 2)
    }

    @Test("a checkpoint the writer refuses keeps the session dirty and is handed over again on a later tick")
    func refusedCheckpointRetried() {
        var settings = CoachingSettings()
        settings.checkpointIntervalMs = 1_000
        let harness = ShardHarness(settings: settings)
        let connection = harness.connect(ShardHarness.user("ada"))
        let session = ShardHarness.newSession()
        harness.start(connection, session)
        harness.activity(connection, session, seq: 1)
        harness.shell.acceptsRecords = false
        harness.tick(for: 2_000)
        #expect(harness.shell.checkpoints.isEmpty)
        harness.shell.acceptsRecords = true
        harness.tick(for: 500)
        #expect(harness.shell.checkpoints.map(\.seq) == [1])
    }

    @Test("after a reconnect, session.start with the same id resumes from memory with last and durable seq")
    func resumeFromMemory() {
        let harness = ShardHarness()
        let user = ShardHarness.user("ada")
        let first = harness.connect(user)
        let session = ShardHarness.newSession()
        harness.start(first, session)
        harness.activity(first, session, seq: 1)
        harness.activity(first, session, seq: 2)
        harness.shard.closed(first, at: harness.time)
        let second = harness.connect(user)
        harness.send(second, ["type": "session.start", "session": session, "at_ms": harness.time.wallMs])
        let resumed = harness.last(second)
        #expect(resumed["type"] as? String == "session.started" && resumed["resumed"] as? Bool == true)
        #expect(resumed["last_seq"] as? Int == 2)
        harness.activity(second, session, seq: 2)
        #expect(harness.last(second)["duplicate"] as? Bool == true)
    }

    @Test("a session stored by a previous run resumes from its checkpoint; another user's id is taken; an ended one is refused")
    func resumeFromStore() {
        let harness = ShardHarness()
        let ada = ShardHarness.user("ada")
        let connection = harness.connect(ada)
        let session = ShardHarness.newSession()
        func stored(userId: String, seq: Int64, ended: Bool) -> SessionLookupOutcome {
            let checkpoint = SessionCheckpoint(
                sessionId: session, userId: userId, seq: seq, startedAtMs: harness.time.wallMs - 600_000,
                lastAtMs: harness.time.wallMs - 60_000, ended: ended, project: "p")
            return .found(StoredSession(checkpoint: checkpoint, flowPeriods: []))
        }
        harness.start(connection, session, outcome: stored(userId: ShardHarness.user("eve").user.id, seq: 3, ended: false))
        #expect((harness.last(connection)["message"] as? String)?.contains("taken") == true)
        harness.start(connection, session, outcome: stored(userId: ada.user.id, seq: 3, ended: true))
        #expect((harness.last(connection)["message"] as? String)?.contains("ended") == true)
        harness.start(connection, session, outcome: stored(userId: ada.user.id, seq: 7, ended: false))
        let resumed = harness.last(connection)
        #expect(resumed["resumed"] as? Bool == true && resumed["last_seq"] as? Int == 7 && resumed["durable_seq"] as? Int == 7)
    }

    @Test("a session spans at most 8 local days: a window on a ninth is invalid_field naming at_ms")
    func eightDays() {
        let harness = ShardHarness()
        let connection = harness.connect(ShardHarness.user("ada"))
        let session = ShardHarness.newSession()
        let day: Int64 = 86_400_000
        let start = harness.time.wallMs - 8 * day
        harness.start(connection, session, atMs: start)
        for index in 0..<8 { harness.activity(connection, session, seq: Int64(index + 1), atMs: start + Int64(index) * day) }
        #expect(harness.last(connection)["type"] as? String == "flow")
        harness.activity(connection, session, seq: 9, atMs: start + 8 * day)
        let refused = harness.last(connection)
        #expect(refused["code"] as? String == "invalid_field" && (refused["message"] as? String)?.hasPrefix("at_ms") == true)
    }

    @Test("a session whose connection vanished is ended and summarised when the resume window runs out")
    func resumeWindowExpires() throws {
        var settings = CoachingSettings()
        settings.resumeWindowMs = 5_000
        let harness = ShardHarness(settings: settings)
        let connection = harness.connect(ShardHarness.user("ada"))
        let session = ShardHarness.newSession()
        harness.start(connection, session)
        harness.activity(connection, session, seq: 1)
        harness.shard.closed(connection, at: harness.time)
        harness.tick(for: 4_500)
        #expect(harness.shell.checkpoints.allSatisfy { !$0.ended })
        harness.tick(for: 1_000)
        let last = try #require(harness.shell.checkpoints.last)
        #expect(last.ended && last.seq == 1)
    }

    @Test("session.end answers with the summary; a retry gets it again; only the latest max_per_user ended sessions linger")
    func endedSessionsLinger() {
        var settings = CoachingSettings()
        settings.maxSessionsPerUser = 2
        let harness = ShardHarness(settings: settings)
        let connection = harness.connect(ShardHarness.user("ada"))
        let sessions = (0..<5).map { _ in ShardHarness.newSession() }
        for session in sessions {
            harness.start(connection, session)
            harness.send(connection, ["type": "session.end", "session": session, "seq": 0, "at_ms": harness.time.wallMs])
            #expect(harness.last(connection)["type"] as? String == "session.summary")
        }
        for session in sessions.suffix(2) {
            harness.send(connection, ["type": "session.end", "session": session, "seq": 0, "at_ms": harness.time.wallMs])
            #expect(harness.last(connection)["session"] as? String == session)
        }
        harness.send(connection, ["type": "session.end", "session": sessions[0], "seq": 0, "at_ms": harness.time.wallMs])
        #expect(harness.last(connection)["code"] as? String == "unknown_session")
        #expect(Set(harness.shell.checkpoints.filter(\.ended).map(\.sessionId)) == Set(sessions))
    }

    @Test("a connection finds each session it carries, not one another connection took over or that ended; a closed one lets go of its sessions")
    func carriedSessions() {
        let harness = ShardHarness()
        let user = ShardHarness.user("ada")
        let first = harness.connect(user)
        let (a, b, c) = (ShardHarness.newSession(), ShardHarness.newSession(), ShardHarness.newSession())
        for session in [a, b, c] { harness.start(first, session) }
        /// A new window of `session` answered on `connection` (not as a replay of another's).
        func answered(_ connection: CoachingConnection, _ session: String) -> Bool {
            let answer = harness.last(connection)
            return answer["type"] as? String == "flow" && answer["session"] as? String == session && answer["duplicate"] == nil
        }
        for session in [a, b, c] {
            harness.activity(first, session, seq: 1)
            #expect(answered(first, session), "carried, first, second or third of three")
        }
        // `b` moves to a second connection: the first no longer carries it, the second does.
        let second = harness.connect(user)
        harness.send(second, ["type": "session.start", "session": b, "at_ms": harness.time.wallMs])
        #expect(harness.last(second)["resumed"] as? Bool == true)
        harness.activity(first, b, seq: 2)
        #expect(harness.last(first)["code"] as? String == "unknown_session")
        harness.activity(second, b, seq: 2)
        #expect(answered(second, b))
        harness.activity(first, c, seq: 2)
        #expect(answered(first, c), "the others stay carried")
        // `a` ends: no longer carried.
        harness.send(first, ["type": "session.end", "session": a, "seq": 1, "at_ms": harness.time.wallMs])
        #expect(harness.last(first)["type"] as? String == "session.summary")
        harness.activity(first, a, seq: 2)
        #expect(harness.last(first)["code"] as? String == "unknown_session")
        // The first connection closes: its session lets go of it and resumes elsewhere.
        harness.shard.closed(first, at: harness.time)
        #expect(first.sessions.isEmpty)
        harness.send(second, ["type": "session.start", "session": c, "at_ms": harness.time.wallMs])
        #expect(harness.last(second)["resumed"] as? Bool == true)
        harness.activity(second, c, seq: 3)
        #expect(answered(second, c))
        #expect(Array(second.sessions).map(\.idText) == [b, c])
    }

    @Test("an activity for a session this connection does not carry is unknown_session")
    func unknownSession() {
        let harness = ShardHarness()
        let connection = harness.connect(ShardHarness.user("ada"))
        harness.activity(connection, ShardHarness.newSession(), seq: 1)
        #expect(harness.last(connection)["code"] as? String == "unknown_session")
    }
}

/// Windows that would corrupt a session's counting are refused, and the session goes on.
struct ShardSessionBoundsTests {
    @Test("a seq that jumps past sessions.max_seq_gap is invalid_field, and later normal seqs still count")
    func seqJump() {
        let harness = ShardHarness()
        let connection = harness.connect(ShardHarness.user("ada"))
        let session = ShardHarness.newSession()
        harness.start(connection, session)
        harness.activity(connection, session, seq: 1)
        harness.activity(connection, session, seq: 1 << 53)
        let refused = harness.last(connection)
        #expect(refused["code"] as? String == "invalid_field" && (refused["message"] as? String)?.hasPrefix("seq") == true)
        harness.activity(connection, session, seq: 2)
        let flow = harness.last(connection)
        #expect(flow["type"] as? String == "flow" && flow["duplicate"] == nil)
    }

    @Test("a window far behind the session's latest one is invalid_field naming at_ms; within the skew it counts")
    func eventTimeMovesForward() {
        var settings = CoachingSettings()
        settings.maxClockSkewMs = 60_000
        let harness = ShardHarness(settings: settings)
        let connection = harness.connect(ShardHarness.user("ada"))
        let session = ShardHarness.newSession()
        harness.start(connection, session, atMs: harness.time.wallMs - 600_000)
        harness.activity(connection, session, seq: 1, atMs: harness.time.wallMs + 23 * 3_600_000)
        #expect(harness.last(connection)["type"] as? String == "flow")
        harness.activity(connection, session, seq: 2, atMs: 1_577_836_800_000)  // 2020-01-01
        let refused = harness.last(connection)
        #expect((refused["message"] as? String)?.hasPrefix("at_ms") == true)
        harness.activity(connection, session, seq: 2, atMs: harness.time.wallMs + 23 * 3_600_000 - 30_000)
        #expect(harness.last(connection)["type"] as? String == "flow", "within the skew: accepted")
        harness.send(connection, ["type": "session.end", "session": session, "seq": 2, "at_ms": harness.time.wallMs])
        #expect(harness.last(connection)["type"] as? String == "session.summary")
    }

    @Test("control characters in a project or language are invalid_field")
    func controlCharacters() {
        let harness = ShardHarness()
        let connection = harness.connect(ShardHarness.user("ada"))
        harness.send(connection, ["type": "session.start", "session": ShardHarness.newSession(), "project": "a\u{1}b",
                                  "at_ms": harness.time.wallMs])
        let refused = harness.last(connection)
        #expect(refused["code"] as? String == "invalid_field" && (refused["message"] as? String)?.contains("\"project\"") == true)
    }
}
