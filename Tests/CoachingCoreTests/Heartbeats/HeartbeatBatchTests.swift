import Testing
@testable import CoachingCore

struct HeartbeatBatchTests {
    let now: Int64 = 1_700_000_000_000

    func parse(_ text: String, agent: String? = nil) throws -> HeartbeatBatch {
        try HeartbeatBatch(parsing: Array(text.utf8), userAgent: agent, machine: "box", nowMs: now)
    }

    @Test("the Python client's array is read field by field")
    func pythonShape() throws {
        let batch = try parse("""
            [{"time": 1699999999.123456, "entity": "/src/a.py", "type": "file", "category": null, "is_write": true,
              "project": "flow", "branch": null, "language": "Python", "dependencies": ["os"], "lines": 10,
              "lineno": null, "cursorpos": null, "user_agent": "wakatime/13.1.0 (Linux) Python3.11 vim/9.0 vim-wakatime/11.0"}]
            """)
        #expect(!batch.isSingle)
        #expect(batch.items == [.accepted(HeartbeatRecord(
            timeMs: 1_699_999_999_123, entity: "/src/a.py", type: "file", category: "coding", project: "flow", branch: "",
            language: "Python", isWrite: true, editor: "vim", machine: "box"))])
    }

    @Test("one bad heartbeat is refused alone, with the field named")
    func perItem() throws {
        let batch = try parse("""
            [{"time": 1699999990, "entity": "a"}, {"entity": "b"}, {"time": 1699999991, "entity": "c", "is_write": "yes"},
             {"time": 1699999992, "entity": "d", "category": "sleeping"}, 7, {"time": 4102444800, "entity": "e"},
             {"time": 1699999993, "entity": "f", "lines": -1}, {"time": 1699999994, "entity": "g", "type": "galaxy"}]
            """)
        #expect(batch.items.count == 8)
        #expect(batch.accepted.map(\.entity) == ["a"])
        let reasons = batch.items.compactMap { if case .rejected(let reason) = $0 { reason } else { nil } }
        #expect(reasons.count == 7)
        #expect(reasons[0].hasPrefix("time:"))
        #expect(reasons[1].hasPrefix("is_write:"))
        #expect(reasons[2].hasPrefix("category:"))
        #expect(reasons[3].contains("object"))
        #expect(reasons[4].hasPrefix("time:"))
        #expect(reasons[5].hasPrefix("lines:"))
        #expect(reasons[6].hasPrefix("type:"))
    }

    @Test("a single object is a batch of one; the request's user agent names the editor")
    func single() throws {
        let batch = try parse(#"{"time": 1699999990, "entity": "x.go", "language": "Go"}"#,
                              agent: "wakatime/v1.90.0 (linux-6.1-x86_64) go1.21 vscode/1.80.0 vscode-wakatime/24.2.0")
        #expect(batch.isSingle)
        #expect(batch.accepted.first?.editor == "vscode")
        #expect(batch.accepted.first?.language == "Go")
    }

    @Test("an unreadable body fails as a whole; items past the limit are deferred")
    func bodyErrors() throws {
        #expect(throws: HeartbeatBatch.BodyError.self) { try parse("[{") }
        #expect(throws: HeartbeatBatch.BodyError.notHeartbeats) { try parse("42") }
        var limits = HeartbeatLimits()
        limits.maxItems = 1
        let batch = try HeartbeatBatch(
            parsing: Array(#"[{"time":1699999990,"entity":"a"},{"time":1699999991,"entity":"b"}]"#.utf8),
            userAgent: nil, machine: nil, nowMs: now, limits: limits)
        #expect(batch.items.last == .deferred)
    }

    @Test("the dedupe key is WakaTime's: editor and machine do not make a heartbeat new")
    func dedupe() {
        let one = HeartbeatRecord(timeMs: 1, entity: "a", editor: "vim", machine: "m1")
        let two = HeartbeatRecord(timeMs: 1, entity: "a", editor: "emacs", machine: "m2")
        #expect(one.dedupeKey == two.dedupeKey)
        #expect(one.dedupeKey != HeartbeatRecord(timeMs: 1, entity: "a", isWrite: true).dedupeKey)
    }
}
