import FlowEngine
import Foundation
import Testing

import CoachingCore
@testable import Persistence
import PersistenceTestSupport

extension PostgreSQLServerTests.StoreContractTests {
    /// 2025-11-22T10:00:00Z.
    static let heartbeatBase: Int64 = 1_763_805_600_000

    static func ingest(_ userId: String, _ beats: [HeartbeatRecord]) -> HeartbeatIngest {
        HeartbeatIngest(
            userId: userId, heartbeats: beats, receivedAtMs: heartbeatBase, loadFromMs: heartbeatBase - 86_400_000,
            loadToMs: heartbeatBase + 86_400_000, days: ["2025-11-22"]
        ) { stored, spans in
            HeartbeatDurations.days(of: stored, timeoutMs: HeartbeatDurations.defaultTimeoutMs, covered: spans) { _ in 0 }
        }
    }

    static func beat(_ seconds: Int64, language: String = "Swift", isWrite: Bool = false) -> HeartbeatRecord {
        HeartbeatRecord(timeMs: heartbeatBase + seconds * 1000, entity: "/src/main.swift", project: "flow", language: language, isWrite: isWrite)
    }

    @Test("heartbeats are stored once per dedupe key and their day time is replaced, not added", arguments: StoreKind.allCases)
    func heartbeatsDedupeAndDays(_ kind: StoreKind) throws {
        guard let fixture = try ContractStore.make(kind) else { return }
        let store = fixture.store
        let user = Fixtures.user()
        try store.createUser(user)
        let first = try store.ingestHeartbeats(Self.ingest(user.id, [Self.beat(0), Self.beat(60), Self.beat(60)]))
        #expect(first.stored == [true, true, false])
        #expect(first.before["2025-11-22"]?.activeMs == 0)
        #expect(first.after["2025-11-22"] == HeartbeatIngestResult.DayTime(activeMs: 60_000, languageMs: ["Swift": 60_000]))
        // A replay stores nothing new; a different is_write is another heartbeat.
        let second = try store.ingestHeartbeats(Self.ingest(user.id, [Self.beat(60), Self.beat(60, isWrite: true), Self.beat(120, language: "C")]))
        #expect(second.stored == [false, true, true])
        #expect(second.before["2025-11-22"]?.activeMs == 60_000)
        #expect(second.after["2025-11-22"]?.activeMs == 120_000)
        let stored = try store.heartbeats(userId: user.id, fromMs: Self.heartbeatBase, toMs: Self.heartbeatBase + 3_600_000)
        #expect(stored.count == 4)
        #expect(stored.last?.language == "C" && stored.first?.project == "flow")
        // The day's time appears in the daily aggregates, beside no session, with no flow time.
        let daily = try store.dailyAggregates(fromDay: "2025-11-01", userId: user.id)
        #expect(daily.map(\.day) == ["2025-11-22"])
        #expect(daily.first?.activeMs == 120_000 && daily.first?.flowMs == 0 && daily.first?.sessions == 0)
        #expect(try store.activeDays(userId: user.id, throughDay: "2025-11-30", minimumActiveMs: 100_000, limit: 7) == ["2025-11-22"])
    }

    @Test("heartbeat time adds to a day's session time, minus what sessions covered", arguments: StoreKind.allCases)
    func heartbeatsBesideSessions(_ kind: StoreKind) throws {
        guard let fixture = try ContractStore.make(kind) else { return }
        let store = fixture.store
        let user = Fixtures.user()
        try store.createUser(user)
        // A session from base+0 s to base+60 s (Fixtures: lastAt = startedAt + activeMs).
        var checkpoint = Fixtures.checkpoint(user: user.id, seq: 1, activeMs: 60_000, day: "2025-11-22", languages: ["Swift": 60_000])
        checkpoint.startedAtMs = Self.heartbeatBase
        checkpoint.lastAtMs = Self.heartbeatBase + 60_000
        try store.writeBatch([checkpoint])
        #expect(try store.sessionSpans(userId: user.id, fromMs: Self.heartbeatBase - 1, toMs: Self.heartbeatBase + 1)
                == [TimeSpan(startMs: Self.heartbeatBase, endMs: Self.heartbeatBase + 60_000)])
        let result = try store.ingestHeartbeats(Self.ingest(user.id, [Self.beat(0), Self.beat(60), Self.beat(180)]))
        #expect(result.after["2025-11-22"]?.activeMs == 120_000)  // 0…60 s was the session's
        let daily = try store.dailyAggregates(fromDay: "2025-11-22", userId: user.id)
        #expect(daily.first?.activeMs == 180_000 && daily.first?.sessions == 1)
        #expect(daily.first?.languageMs["Swift"] == 180_000)
    }

    @Test("the keystroke timeout is stored per user, and purge removes heartbeats", arguments: StoreKind.allCases)
    func heartbeatSettingsAndPurge(_ kind: StoreKind) throws {
        guard let fixture = try ContractStore.make(kind) else { return }
        let store = fixture.store
        let user = Fixtures.user()
        try store.createUser(user)
        #expect(try store.heartbeatTimeoutMs(userId: user.id) == nil)
        try store.setHeartbeatTimeoutMs(300_000, userId: user.id)
        try store.setHeartbeatTimeoutMs(600_000, userId: user.id)
        #expect(try store.heartbeatTimeoutMs(userId: user.id) == 600_000)
        _ = try store.ingestHeartbeats(Self.ingest(user.id, [Self.beat(0), Self.beat(30)]))
        #expect(throws: StoreError.self) { try store.ingestHeartbeats(Self.ingest(UUID().uuidString.lowercased(), [Self.beat(0)])) }
        try store.purgeUser(id: user.id, deleteAccount: false)
        #expect(try store.heartbeats(userId: user.id, fromMs: 0, toMs: .max).isEmpty)
        #expect(try store.dailyAggregates(fromDay: "", userId: user.id).isEmpty)
        #expect(try store.heartbeatTimeoutMs(userId: user.id) == nil)
    }
}
