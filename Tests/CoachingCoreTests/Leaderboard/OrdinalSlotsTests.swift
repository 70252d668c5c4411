import TestSupport
import Testing

@testable import CoachingCore

/// The ordinal → slot table against a dictionary.
struct OrdinalSlotsTests {
    @Test("random sets, replacements and removals, clustered ordinals included: the same answers as a dictionary")
    func againstDictionary() {
        var generator = SeededGenerator(seed: 77)
        var table = OrdinalSlots()
        var reference: [UInt32: Int32] = [:]
        for step in 0..<40_000 {
            // Clustered and spread keys: long probe runs, and runs that wrap around the end.
            let ordinal = generator.next() % 2 == 0 ? UInt32(generator.next() % 600) : UInt32(truncatingIfNeeded: generator.next() % 0xFFFF_FFFE)
            if generator.next() % 3 == 0 {
                table.remove(ordinal)
                reference[ordinal] = nil
            } else {
                let slot = Int32(generator.next() % 100_000)
                table.set(slot, for: ordinal)
                reference[ordinal] = slot
            }
            if step % 4000 == 3999 {
                #expect(table.count == reference.count)
                for (key, slot) in reference { #expect(table[key] == slot) }
                for probe in 0..<600 where reference[UInt32(probe)] == nil { #expect(table[UInt32(probe)] == nil) }
            }
        }
        for key in Array(reference.keys) {
            table.remove(key)
            reference[key] = nil
            #expect(table[key] == nil)
        }
        #expect(table.count == 0)
    }

    @Test("removing the ordinal no entry can hold (the free mark's high half) changes nothing")
    func removingTheFreeMarkOrdinal() {
        var table = OrdinalSlots()
        for ordinal in UInt32(0)..<5 { table.set(Int32(ordinal) * 10, for: ordinal) }
        table.remove(BoardMembers.noOrdinal)
        #expect(table.count == 5)
        for ordinal in UInt32(0)..<5 { #expect(table[ordinal] == Int32(ordinal) * 10) }
    }
}
