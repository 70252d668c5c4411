import FlowEngine
import Glibc
import Testing
@testable import CoachingCore

/// What one live session costs the heap besides its connection's transport: the session
/// object (flow engine state and answered-flow ring inline), its coaching connection and a
/// day's tally (marginal RSS per live session; docs/BENCHMARKS.md).
struct LiveSessionSizeTests {
    /// glibc's `malloc_usable_size` (not in the Glibc module's headers).
    static let usableSize: (@convention(c) (UnsafeMutableRawPointer?) -> Int)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_usable_size") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutableRawPointer?) -> Int).self)
    }()

    static func heapBytes(of pointer: UnsafeRawPointer) -> Int {
        guard let usableSize else { return -1 }
        return usableSize(UnsafeMutableRawPointer(mutating: pointer))
    }

    static func heapBytes(of object: AnyObject) -> Int { heapBytes(of: Unmanaged.passUnretained(object).toOpaque()) }

    @Test("a kept flow answer packs into 40 bytes, an assessment into 136 (152 before), a flow session into 560 (640)")
    func packedValues() {
        #expect(MemoryLayout<AnsweredFlow>.size == 40)
        #expect(MemoryLayout<AnsweredFlows>.size <= 168)
        #expect(MemoryLayout<FlowAssessment>.stride <= 136)
        #expect(MemoryLayout<FlowSession>.stride <= 560)
    }

    @Test("a session object with its answered ring stays within 1,016 bytes of heap (a 1,024-byte malloc chunk), its answered ring inside it")
    func sessionObjectSize() {
        var coach = UserCoach()
        let live = LiveSession(id: SessionID(high: 1, low: 2), userId: "u", flow: coach.startSession(atMs: 5),
                               startedAtMs: 5, project: nil, nowMono: 0)
        for seq in Int64(1)...6 { live.answered.remember(AnsweredFlow(FlowAssessment.initial(seq: seq, atMs: seq))) }
        let bytes = Self.heapBytes(of: live)
        print("LiveSession heap bytes: \(bytes)")
        // Before: 1,048 for the object plus a 640-byte ring block and the id's 80-byte text;
        // then 1,048 with the ring inside, until the recommendation limiter's times became
        // 32-bit offsets.
        #expect(bytes > 0 && bytes <= 1_016)
    }

    @Test("a coaching connection carrying one session, its hello answered, stays within 152 bytes of heap")
    func connectionObjectSize() {
        let connection = CoachingConnection(id: 1, nowMs: 0, burst: 10, helloDeadlineMs: 0)
        connection.sessions.append(SessionID(high: 1, low: 2))
        connection.helloRef = nil
        let bytes = Self.heapBytes(of: connection)
        print("CoachingConnection heap bytes: \(bytes)")
        #expect(bytes > 0 && bytes <= 152)
    }

    @Test("a day's tally with one language costs a 56-byte block for its languages")
    func languageTallySize() {
        var tally = DayTally(day: 1)
        tally.addLanguage("swift", ms: 5)
        tally.addLanguage("swift", ms: 5)
        #expect(tally.languages.count == 1 && tally.languageMs == ["swift": 10])
        let bytes = tally.languages.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { Self.heapBytes(of: UnsafeRawPointer($0) - 32) } ?? -1
        }
        #expect(bytes > 0 && bytes <= 56)
    }
}
