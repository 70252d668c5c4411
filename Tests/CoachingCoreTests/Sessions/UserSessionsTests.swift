import FlowEngine
@testable import CoachingCore
import Testing

struct UserSessionsTests {
    private func session(_ number: UInt64, _ coach: inout UserCoach) -> LiveSession {
        LiveSession(id: SessionID(high: number, low: number), userId: "u", flow: coach.startSession(atMs: 5),
                    startedAtMs: 5, nowMono: 0)
    }

    @Test("sessions are found by id, replaced, dropped and listed in the order added")
    func lookUp() {
        var coach = UserCoach()
        var sessions = UserSessions()
        let (a, b, c) = (session(1, &coach), session(2, &coach), session(3, &coach))
        sessions[a.id] = a
        sessions[b.id] = b
        sessions[c.id] = c
        #expect(sessions.count == 3 && sessions[b.id] === b && sessions[SessionID(high: 9, low: 9)] == nil)
        let b2 = session(2, &coach)
        sessions[b.id] = b2
        #expect(sessions.count == 3 && sessions[b.id] === b2)
        sessions[a.id] = nil
        sessions[SessionID(high: 9, low: 9)] = nil
        #expect(sessions.values.map(\.id) == [b.id, c.id])
        sessions.removeAll()
        #expect(sessions.isEmpty)
    }
}
