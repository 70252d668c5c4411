import FlowEngine
import Testing
@testable import CoachingCore

/// A connection's carried sessions: the usual one inline, further ones in order.
struct CarriedSessionsTests {
    static func session(_ number: UInt64) -> LiveSession {
        var coach = UserCoach()
        return LiveSession(id: SessionID(high: number, low: number), userId: "u", flow: coach.startSession(atMs: 5),
                           startedAtMs: 5, nowMono: 0)
    }

    let a = Self.session(1), b = Self.session(2), c = Self.session(3)

    static func ids(_ sessions: CarriedSessions) -> [SessionID] { sessions.map(\.id) }

    @Test("sessions come back in the order attached, and removing keeps the others' order")
    func order() {
        var sessions: CarriedSessions = []
        #expect(sessions.isEmpty && Array(sessions).isEmpty)
        sessions.append(a)
        sessions.append(b)
        sessions.append(c)
        #expect(Self.ids(sessions) == [a.id, b.id, c.id])
        sessions.removeAll { $0 === a }
        #expect(Self.ids(sessions) == [b.id, c.id])
        sessions.removeAll { $0 === c }
        #expect(Self.ids(sessions) == [b.id])
        sessions.removeAll { $0 === b }
        #expect(sessions.isEmpty && Array(sessions).isEmpty)
        sessions.append(c)
        #expect(Self.ids(sessions) == [c.id])
    }

    @Test("removing several at once, the first among them")
    func removeSeveral() {
        var sessions: CarriedSessions = [a, b, c]
        sessions.removeAll { $0 !== c }
        #expect(Self.ids(sessions) == [c.id])
        sessions = [a, b]
        sessions.removeAll { _ in true }
        #expect(sessions.isEmpty)
    }

    @Test("a carried session is found by its id, the first and the further ones; others are not")
    func lookUp() {
        var sessions: CarriedSessions = []
        #expect(sessions[a.id] == nil)
        sessions.append(a)
        #expect(sessions[a.id] === a && sessions[b.id] == nil)
        sessions.append(b)
        sessions.append(c)
        #expect(sessions[a.id] === a && sessions[b.id] === b && sessions[c.id] === c)
        #expect(sessions[SessionID(high: 9, low: 9)] == nil)
        sessions.removeAll { $0 === a }
        #expect(sessions[a.id] == nil && sessions[b.id] === b && sessions[c.id] === c)
    }
}
