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

    @Test("a kept flow answer packs into 40 bytes, an assessment into 136 (152 before), a flow session into 584 (640)")
    func packedValues() {
        #expect(MemoryLayout<AnsweredFlow>.size == 40)
        #expect(MemoryLayout<AnsweredFlows>.size <= 168)
        #expect(MemoryLayout<FlowAssessment>.stride <= 136)
        // 560 until its language tally kept its first language inline (24 bytes more, and
        // no 64-byte block for the array that held it: BoundedTallyTests).
        #expect(MemoryLayout<FlowSession>.stride <= 584)
    }

    /// The heap block of an array's storage (its 32-byte header precedes the elements);
    /// 0 for an array without storage of its own.
    static func heapBytes<Element>(ofArray array: [Element]) -> Int {
        guard array.capacity > 0 else { return 0 }
        return array.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { heapBytes(of: UnsafeRawPointer($0) - 32) } ?? -1
        }
    }

    /// How many objects (or blocks) a size is measured on: malloc may hand any of them a
    /// freed larger chunk (other suites allocate and free at the same time), and
    /// `malloc_usable_size` then reports that chunk, not the size class. With 4 to 8
    /// samples, all of them once came back larger under the full suite; a burst of this many
    /// uses up such chunks and leaves the true class as the smallest.
    static let heapSamples = 256

    /// The object's size class: the smallest chunk among ``heapSamples`` live objects.
    static func smallestHeapBytes<Object: AnyObject>(
        of count: Int = heapSamples, _ make: () -> Object
    ) -> (bytes: Int, sample: Object) {
        let objects = (0..<count).map { _ in make() }
        let bytes = objects.map { heapBytes(of: $0) }.min() ?? -1
        return (bytes, objects[0])
    }

    @Test("a session with a day and a language tallied stays within 1,080 bytes of heap (a 1,088-byte malloc chunk), all in its object")
    func sessionObjectSize() {
        var coach = UserCoach()
        let (object, live) = Self.smallestHeapBytes {
            let live = LiveSession(id: SessionID(high: 1, low: 2), userId: "u", flow: coach.startSession(atMs: 5),
                                   startedAtMs: 5, nowMono: 0)
            for seq in Int64(1)...6 { live.answered.remember(AnsweredFlow(FlowAssessment.initial(seq: seq, atMs: seq))) }
            live.days.update(day: 20_000) { tally in
                tally.activeMs += 5_000
                tally.addLanguage("swift", ms: 5_000)
            }
            return live
        }
        let blocks = Self.heapBytes(ofArray: live.days.moreDays) + live.days.reduce(0) { $0 + Self.heapBytes(ofArray: $1.moreLanguages) }
        print("LiveSession heap bytes: \(object) + \(blocks) out of line")
        // Before: an object of 1,016 bytes (1,048 until the recommendation limiter's times
        // became 32-bit offsets) plus an 88-byte block for its days and a 56-byte block for
        // the day's one language: 1,160. Then 1,048 bytes plus a 56-byte block (a 64-byte
        // chunk) for the flow session's language tally, now inline: 1,080 (a 1,088-byte
        // chunk), 32 bytes less in all.
        #expect(object > 0 && object <= 1_080)
        #expect(blocks == 0)
    }

    @Test("a coaching connection carrying one session, its hello answered, stays within 120 bytes of heap (152 before)")
    func connectionObjectSize() {
        var coach = UserCoach()
        let live = LiveSession(id: SessionID(high: 1, low: 2), userId: "u", flow: coach.startSession(atMs: 5),
                               startedAtMs: 5, nowMono: 0)
        let (bytes, _) = Self.smallestHeapBytes {
            let connection = CoachingConnection(id: 1, nowMs: 0, burst: 10, helloDeadlineMs: 0)
            connection.sessions.append(live)
            connection.helloRef = nil
            return connection
        }
        print("CoachingConnection heap bytes: \(bytes)")
        #expect(bytes > 0 && bytes <= 120)
    }

    @Test("a user's sessions cost one array slot each: 9 take 152 bytes of heap (a dictionary's storage for 9: 16 buckets, 456)")
    func userSessionsSize() {
        var coach = UserCoach()
        // Many tables, and the smallest block (see ``heapSamples``).
        let tables = (0..<Self.heapSamples).map { _ in
            var sessions = UserSessions()
            for index in UInt64(1)...9 {
                let live = LiveSession(id: SessionID(high: index, low: index), userId: "u", flow: coach.startSession(atMs: 5),
                                       startedAtMs: 5, nowMono: 0)
                sessions[live.id] = live
            }
            return sessions
        }
        let bytes = tables.map { Self.heapBytes(ofArray: $0.values) }.min() ?? -1
        print("UserSessions heap bytes for 9 sessions: \(bytes)")
        #expect(bytes > 0 && bytes <= 152)
    }

    @Test("a day's tally keeps its first language inline and further ones in a block")
    func languageTallySize() {
        var tally = DayTally(day: 1)
        tally.addLanguage("swift", ms: 5)
        tally.addLanguage("swift", ms: 5)
        #expect(tally.languageCount == 1 && tally.languageMs == ["swift": 10])
        #expect(Self.heapBytes(ofArray: tally.moreLanguages) == 0)
        tally.addLanguage("rust", ms: 1)
        #expect(tally.languageMs == ["swift": 10, "rust": 1])
        // Many tallies alike, and the smallest block (see ``heapSamples``).
        let others = (0..<Self.heapSamples).map { _ in
            var other = DayTally(day: 1)
            other.addLanguage("swift", ms: 10)
            other.addLanguage("rust", ms: 1)
            return other
        }
        let bytes = ([tally] + others).map { Self.heapBytes(ofArray: $0.moreLanguages) }.min() ?? -1
        #expect(bytes > 0 && bytes <= 56)
        #expect(MemoryLayout<DayTally>.size <= 80 && MemoryLayout<SessionDays>.size <= 88)
    }
}
