import FlowEngine
import Testing

struct BreakSchedulerSerializationTests {
    typealias Feed = BreakSchedulerTests

    @Test("a restored scheduler equals the saved one and goes on exactly as it would have")
    func roundTripContinues() throws {
        var original = BreakScheduler()
        let first = Feed.feed(&original, from: Feed.start, minutes: 40)
        #expect(first.reminders.count == 1)
        let bytes = original.encode()
        #expect(bytes.count == BreakScheduler.encodedByteCount)
        var restored = try #require(BreakScheduler(settings: BreakSettings(), bytes: bytes))
        #expect(restored == original)
        let goesOn = Feed.feed(&original, from: first.end, minutes: 30)
        let resumed = Feed.feed(&restored, from: first.end, minutes: 30)
        #expect(resumed.reminders == goesOn.reminders)
        // The repeat comes after `repeatAfter`, with the next id, not a second first reminder.
        #expect(resumed.reminders.first?.id == 2)
        #expect((resumed.reminders.first?.atMs ?? 0) - (first.reminders.first?.atMs ?? 0) >= 15 * 60_000)
    }

    @Test("without the saved state a new scheduler reminds again at once: what restoring prevents")
    func freshSchedulerWouldRepeat() {
        var original = BreakScheduler()
        let first = Feed.feed(&original, from: Feed.start, minutes: 40)
        var fresh = BreakScheduler()
        let again = Feed.feed(&fresh, from: first.end, minutes: 30)
        let goesOn = Feed.feed(&original, from: first.end, minutes: 30)
        #expect(again.reminders.first?.id == 1)
        #expect(again.reminders.first?.atMs != goesOn.reminders.first?.atMs)
    }

    @Test("a snooze and the acknowledged state survive the round trip")
    func snoozeSurvives() throws {
        var original = BreakScheduler()
        let first = Feed.feed(&original, from: Feed.start, minutes: 30)
        let reminder = try #require(first.reminders.first)
        let snoozed = original.receivedAck(reminder: reminder.id, action: .snoozed, atMs: first.end)
        #expect(snoozed)
        var restored = try #require(BreakScheduler(settings: BreakSettings(), bytes: original.encode()))
        let answeredAgain = restored.receivedAck(reminder: reminder.id, action: .taken, atMs: first.end)
        #expect(!answeredAgain)
        let goesOn = Feed.feed(&original, from: first.end, minutes: 20)
        let resumed = Feed.feed(&restored, from: first.end, minutes: 20)
        #expect(resumed.reminders == goesOn.reminders)
    }

    @Test("malformed bytes restore nothing", arguments: [
        [UInt8](), [UInt8](repeating: 0, count: BreakScheduler.encodedByteCount), [UInt8(ascii: "B"), UInt8(ascii: "S"), 1],
    ])
    func malformed(_ bytes: [UInt8]) {
        #expect(BreakScheduler(settings: BreakSettings(), bytes: bytes) == nil)
    }

    @Test("an unknown kind or version is refused")
    func unknownKindOrVersion() {
        var bytes = BreakScheduler().encode()
        bytes[bytes.count - 2] = 9
        #expect(BreakScheduler(settings: BreakSettings(), bytes: bytes) == nil)
        bytes = BreakScheduler().encode()
        bytes[2] = 2
        #expect(BreakScheduler(settings: BreakSettings(), bytes: bytes) == nil)
    }
}
