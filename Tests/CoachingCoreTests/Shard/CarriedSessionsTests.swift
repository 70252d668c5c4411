import Testing
@testable import CoachingCore

/// A connection's carried sessions: the usual one inline, further ones in order.
struct CarriedSessionsTests {
    static let a = SessionID(high: 1, low: 1), b = SessionID(high: 2, low: 2), c = SessionID(high: 3, low: 3)

    @Test("ids come back in the order attached, and removing keeps the others' order")
    func order() {
        var sessions: CarriedSessions = []
        #expect(sessions.isEmpty && Array(sessions).isEmpty)
        sessions.append(Self.a)
        sessions.append(Self.b)
        sessions.append(Self.c)
        #expect(Array(sessions) == [Self.a, Self.b, Self.c])
        sessions.removeAll { $0 == Self.a }
        #expect(Array(sessions) == [Self.b, Self.c])
        sessions.removeAll { $0 == Self.c }
        #expect(Array(sessions) == [Self.b])
        sessions.removeAll { $0 == Self.b }
        #expect(sessions.isEmpty && Array(sessions).isEmpty)
        sessions.append(Self.c)
        #expect(Array(sessions) == [Self.c])
    }

    @Test("removing several at once, the first among them")
    func removeSeveral() {
        var sessions: CarriedSessions = [Self.a, Self.b, Self.c]
        sessions.removeAll { $0 != Self.c }
        #expect(Array(sessions) == [Self.c])
        sessions = [Self.a, Self.b]
        sessions.removeAll { _ in true }
        #expect(sessions.isEmpty)
    }
}
