import Foundation
import FlowEngine
import Synchronization
import Testing
@testable import CoachingCore

/// The sweep visits only sessions with something due, and does exactly what visiting every
/// session on every tick did: idle pushes, checkpoints, resume-window expiry, leaderboard time.
struct ShardSweepTests {
    /// A small deterministic generator (the scenario must be the same for both shards).
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    /// One session of the scenario: typing bursts (a window every 5 s) and silences.
    struct Script {
        var id: String
        var user: Int
        var seq: Int64 = 0
        var typingUntilMs: Int64 = 0
        var quietUntilMs: Int64 = 0
        var ended = false
    }

    /// Every action since `from`, as sorted canonical text (the order of visits within one
    /// tick is not part of the contract; what each connection receives and what is stored is).
    /// Leaderboard time is written with the user's id: which number a shard gives whom
    /// follows the order of its visits too.
    static func canonical(_ shell: RecordingShell, from: Int, records recordsFrom: Int) -> [String] {
        var lines: [String] = []
        var userIds: [ScoreSubject: String] = [:]
        for (index, item) in shell.recorded.enumerated() {
            if case .leaderboard(.identify(let subject, let userId, _)) = item { userIds[subject] = userId }
            guard index >= from else { continue }
            if case .leaderboard(.identify) = item { continue }
            if case .leaderboard(.numberedScore(let delta)) = item {
                lines.append("score \(userIds[delta.subject] ?? "?") \(delta.periods) \(delta.language ?? "-") "
                    + "\(delta.codingMsDelta) \(delta.flowMsDelta)")
            } else if case .message(let id, let object) = item {
                let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
                lines.append("\(id) " + String(decoding: data, as: UTF8.self))
            } else {
                lines.append(String(describing: item))
            }
        }
        for record in shell.records[recordsFrom...] { lines.append(String(describing: record)) }
        return lines.sorted()
    }

    /// The payloads of the channel events published since `from` (`stats:me`), sorted.
    static func canonicalEvents(_ shell: RecordingShell, from: Int) -> [String] {
        shell.events[from...].map { event in
            let data = (try? JSONSerialization.data(withJSONObject: event.json, options: [.sortedKeys])) ?? Data()
            return "\(event.key) " + String(decoding: data, as: UTF8.self)
        }.sorted()
    }

    @Test("wake-ups do what visiting every session on every tick did, over 40 minutes of bursts, silences, ends and reconnects")
    func sameAsVisitingEverySession() throws {
        let wakeUps = ShardHarness()
        // Compacted often, so that dropping stale wake-ups is part of what must not change.
        wakeUps.shard.wakeUpsCompactionMinimum = 8
        let reference = ShardHarness()
        reference.shard.visitsEverySession = true
        let harnesses = [wakeUps, reference]
        var generator = Generator(state: 0x5eed)
        let users = (0..<5).map { ShardHarness.user("user\($0)") }
        var connections = harnesses.map { harness in users.map { harness.connect($0) } }
        // Two users watch their own `stats:me` from a dashboard that stays connected.
        for harness in harnesses {
            for user in users.prefix(2) {
                harness.send(harness.connect(user, scope: .read), ["type": "subscribe", "channel": "stats:me"])
            }
        }
        var connected = Array(repeating: true, count: users.count)
        var scripts: [Script] = []
        var sessionNumber = 0
        func newSession(for user: Int) {
            sessionNumber += 1
            let id = String(format: "00000000-0000-4000-8000-%012d", sessionNumber)
            for index in harnesses.indices { harnesses[index].start(connections[index][user], id) }
            scripts.append(Script(id: id, user: user))
        }
        for user in users.indices { for _ in 0..<3 { newSession(for: user) } }

        var marks = harnesses.map { ($0.shell.recorded.count, $0.shell.records.count, $0.shell.events.count) }
        var flowPushes = 0
        var statsEvents = 0
        var fewestLiveUsers = users.count
        for step in 0..<(40 * 60 * 2) {  // 500-ms steps
            let nowMs = wakeUps.time.monotonicMs
            for index in scripts.indices where !scripts[index].ended && connected[scripts[index].user] {
                var script = scripts[index]
                if nowMs < script.typingUntilMs {
                    if step % 10 == index % 10 {  // one window every 5 s
                        script.seq += 1
                        let keystrokes = 20 + generator.next(40)
                        for (harness, userConnections) in zip(harnesses, connections) {
                            harness.activity(userConnections[script.user], script.id, seq: script.seq, keystrokes: keystrokes)
                        }
                    }
                } else if nowMs >= script.quietUntilMs {
                    // Next burst of 1–4 minutes after a silence of 10 s to 35 minutes.
                    let quietMs = Int64(10_000 + generator.next(35 * 60_000))
                    script.typingUntilMs = nowMs + Int64(60_000 + generator.next(180_000))
                    script.quietUntilMs = script.typingUntilMs + quietMs
                    if generator.next(8) == 0 {
                        script.ended = true
                        for (harness, userConnections) in zip(harnesses, connections) {
                            harness.send(userConnections[script.user], [
                                "type": "session.end", "session": script.id, "seq": script.seq, "at_ms": harness.time.wallMs,
                            ])
                        }
                    }
                }
                scripts[index] = script
                if script.ended { newSession(for: script.user) }
            }
            // Now and then a user's connection drops and comes back a little later (or not
            // before its sessions' resume window ends).
            if step % 97 == 0 {
                let user = generator.next(users.count)
                if connected[user] {
                    for (harness, userConnections) in zip(harnesses, connections) {
                        harness.shard.closed(userConnections[user], at: harness.time)
                    }
                    connected[user] = false
                } else if user != users.count - 1 || step < 15 * 60 * 2 {
                    // (The last user, once gone after minute 15, stays away: its sessions
                    // expire and its state is dropped.)
                    for index in harnesses.indices {
                        connections[index][user] = harnesses[index].connect(users[user])
                        for script in scripts where script.user == user && !script.ended {
                            harnesses[index].start(connections[index][user], script.id)
                        }
                    }
                    connected[user] = true
                }
            }
            if step % 20 == 0 { for harness in harnesses { harness.acknowledgeCheckpoints() } }
            // What the inputs caused, then what the tick did.
            for phase in ["inputs", "tick"] {
                if phase == "tick" { for harness in harnesses { harness.tick(for: CoachingShard.tickIntervalMs) } }
                let lines = zip(harnesses, marks).map { Self.canonical($0.shell, from: $1.0, records: $1.1) }
                #expect(lines[0] == lines[1], "step \(step), \(phase)")
                if lines[0] != lines[1] { return }
                let events = zip(harnesses, marks).map { Self.canonicalEvents($0.shell, from: $1.2) }
                #expect(events[0] == events[1], "step \(step), \(phase): stats:me")
                if events[0] != events[1] { return }
                #expect(wakeUps.shard.liveUserCount == reference.shard.liveUserCount, "step \(step), \(phase): users held")
                fewestLiveUsers = min(fewestLiveUsers, reference.shard.liveUserCount)
                statsEvents += events[0].count
                if phase == "tick" { flowPushes += lines[0].count { $0.contains("\"type\":\"flow\"") } }
                marks = harnesses.map { ($0.shell.recorded.count, $0.shell.records.count, $0.shell.events.count) }
            }
        }
        // The scenario exercised the timers, not only the messages.
        #expect(flowPushes > 10)
        #expect(reference.stats.sessionsExpired.load(ordering: .relaxed) > 0)
        #expect(statsEvents > 100)
        // A user whose connection dropped and whose sessions expired was dropped.
        #expect(fewestLiveUsers < users.count)
        // And the wake-ups visited a small part of what the reference did.
        #expect(wakeUps.shard.sessionVisits * 5 < reference.shard.sessionVisits,
                "\(wakeUps.shard.sessionVisits) visits vs \(reference.shard.sessionVisits)")
        #expect(wakeUps.shard.userVisits * 2 < reference.shard.userVisits,
                "\(wakeUps.shard.userVisits) user visits vs \(reference.shard.userVisits)")
    }

    @Test("stale wake-ups do not pile up while sessions type, and their storage is given back when the sessions are gone")
    func wakeUpsStayBounded() {
        let harness = ShardHarness()
        harness.shard.wakeUpsCompactionMinimum = 64
        let minimum = harness.shard.wakeUpsCompactionMinimum
        var sessions: [(connection: CoachingConnection, id: String)] = []
        for userNumber in 0..<15 {
            let connection = harness.connect(ShardHarness.user("user\(userNumber)"))
            for _ in 0..<3 {
                let id = ShardHarness.newSession()
                harness.start(connection, id)
                sessions.append((connection, id))
            }
        }
        // 45 sessions, one window each every 5 s, for 10 minutes: each window leaves the
        // session's later deadline behind as a stale entry.
        var largest = 0
        var largestForUsers = 0
        var added = 0
        var lastSeq = Array(repeating: Int64(0), count: sessions.count)
        for step in 1...(10 * 60 * 2) {
            for (index, session) in sessions.enumerated() where step % 10 == index % 10 {
                lastSeq[index] += 1
                harness.activity(session.connection, session.id, seq: lastSeq[index])
                added += 1
            }
            harness.tick(for: CoachingShard.tickIntervalMs)
            if step % 20 == 0 { harness.acknowledgeCheckpoints() }
            largest = max(largest, harness.shard.sessionWakeUps.count)
            largestForUsers = max(largestForUsers, harness.shard.userWakeUps.count)
        }
        #expect(added > 20 * minimum)
        #expect(largest <= 2 * minimum + 2 * sessions.count, "\(largest) wake-ups held for \(sessions.count) sessions")
        // The users' wake-ups too (15 users, each woken by every window of its sessions).
        #expect(largestForUsers <= 2 * minimum + 2 * 15, "\(largestForUsers) wake-ups held for 15 users")
        #expect(harness.shard.userVisits > 0)
        // Every session ends; once stored and forgotten, nothing of them stays queued.
        for (index, session) in sessions.enumerated() {
            harness.send(session.connection, [
                "type": "session.end", "session": session.id, "seq": lastSeq[index], "at_ms": harness.time.wallMs,
            ])
        }
        for _ in 0..<(2 * 60 * 60 * 2) {
            harness.tick(for: CoachingShard.tickIntervalMs)
            harness.acknowledgeCheckpoints()
            if harness.shard.sessionWakeUps.count == 0 { break }
        }
        #expect(harness.shard.sessionWakeUps.count == 0)
        #expect(harness.shard.sessionWakeUps.capacity <= 2 * TimerHeap<LiveSession>.minimumRetainedCapacity)
    }

    @Test("a quiet, stored session is not visited again until something happens to it")
    func quietSessionSleeps() {
        let harness = ShardHarness()
        let connection = harness.connect(ShardHarness.user("ada"))
        let session = ShardHarness.newSession()
        harness.start(connection, session)
        harness.activity(connection, session, seq: 1)
        // Idle after the idle gap, stored after the checkpoint interval.
        harness.tick(for: 5 * 60_000)
        harness.acknowledgeCheckpoints()
        let visits = harness.shard.sessionVisits
        harness.tick(for: 60 * 60_000)
        #expect(harness.shard.sessionVisits == visits)
        // A new window wakes it.
        harness.activity(connection, session, seq: 2)
        harness.tick(for: CoachingShard.tickIntervalMs)
        #expect(harness.shard.sessionVisits == visits + 1)
    }

    @Test("a quiet user is visited for its offset refresh alone, and an activity queues one visit that publishes and saves")
    func quietUserSleeps() {
        let harness = ShardHarness()
        let ada = ShardHarness.user("ada")
        harness.send(harness.connect(ada, scope: .read), ["type": "subscribe", "channel": "stats:me"])
        let connection = harness.connect(ada)
        let session = ShardHarness.newSession()
        harness.start(connection, session)
        harness.activity(connection, session, seq: 1)
        // Published, stored and idle after the idle gap and the checkpoint interval.
        harness.tick(for: 5 * 60_000)
        harness.acknowledgeCheckpoints()
        let visits = harness.shard.userVisits
        // An hour of silence: one visit per offset refresh (every 15 minutes), no more.
        harness.tick(for: 60 * 60_000)
        let refreshes = Int(60 * 60_000 / CoachingShard.offsetRefreshIntervalMs)
        #expect(harness.shard.userVisits - visits == refreshes, "\(harness.shard.userVisits - visits) visits")
        // A window changes stats:me and the baseline: the next tick publishes, and the
        // baseline goes to the writer once the checkpoint interval has passed since the last save.
        let published = harness.shell.events.count
        let baselines = harness.shell.records.count { if case .baseline = $0 { true } else { false } }
        harness.activity(connection, session, seq: 2)
        harness.tick(for: CoachingShard.tickIntervalMs)
        #expect(harness.shell.events.count == published + 1)
        #expect(harness.shell.records.count { if case .baseline = $0 { true } else { false } } == baselines + 1)
        #expect(harness.shard.userVisits - visits == refreshes + 1)
    }

    @Test("a sleeping session whose connection drops still expires at the end of the resume window")
    func sleepingSessionExpires() {
        let harness = ShardHarness()
        let connection = harness.connect(ShardHarness.user("ada"))
        let session = ShardHarness.newSession()
        harness.start(connection, session)
        harness.activity(connection, session, seq: 1)
        harness.tick(for: 5 * 60_000)
        harness.acknowledgeCheckpoints()
        harness.shard.closed(connection, at: harness.time)
        harness.tick(for: harness.shard.settings.resumeWindowMs - CoachingShard.tickIntervalMs)
        #expect(harness.stats.sessionsExpired.load(ordering: .relaxed) == 0)
        harness.tick(for: 2 * CoachingShard.tickIntervalMs)
        #expect(harness.stats.sessionsExpired.load(ordering: .relaxed) == 1)
    }
}
