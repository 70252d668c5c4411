/// A board's look-up from the book's user ordinals to its members' slots: an open-addressing
/// table with linear probing, hashed by one multiplication.
///
/// A `Dictionary<UInt32, Slot>` ran SipHash on every look-up, six look-ups per score delta
/// (day, week and month; global and language board). An array indexed by ordinal would
/// need no hashing at all, but ordinals are dense per book, not per board: a language or
/// team board holding a few members would carry an entry for every user of the book. This
/// table holds only the board's members, 8 bytes an entry at a load of at most 3/4 (about
/// what the dictionary took).
struct OrdinalSlots: Sendable {
    typealias Slot = BoardMembers.Slot

    /// The ordinal in the high 32 bits, the slot in the low 32; ``empty`` when free (no
    /// entry holds it: ``BoardMembers/noOrdinal`` is never stored).
    private var entries: [UInt64] = []
    private var shift: UInt64 = 64
    private(set) var count = 0

    private static let empty = UInt64.max

    subscript(ordinal: UInt32) -> Slot? {
        guard !entries.isEmpty else { return nil }
        let mask = entries.count - 1
        var index = home(ordinal)
        while true {
            let entry = entries[index]
            if entry == Self.empty { return nil }
            if UInt32(truncatingIfNeeded: entry >> 32) == ordinal { return Slot(truncatingIfNeeded: entry) }
            index = (index + 1) & mask
        }
    }

    /// Records `slot` for `ordinal` (replacing an earlier slot).
    mutating func set(_ slot: Slot, for ordinal: UInt32) {
        precondition(ordinal != BoardMembers.noOrdinal, "OrdinalSlots: noOrdinal is not a key")
        if (count + 1) * 4 > entries.count * 3 { grow() }
        let entry = UInt64(ordinal) << 32 | UInt64(UInt32(bitPattern: slot))
        let mask = entries.count - 1
        var index = home(ordinal)
        while entries[index] != Self.empty {
            if UInt32(truncatingIfNeeded: entries[index] >> 32) == ordinal {
                entries[index] = entry
                return
            }
            index = (index + 1) & mask
        }
        entries[index] = entry
        count += 1
    }

    /// Forgets `ordinal`; no-op when absent.
    mutating func remove(_ ordinal: UInt32) {
        guard !entries.isEmpty else { return }
        let mask = entries.count - 1
        var hole = home(ordinal)
        // The free mark first, as in the look-up: its high half reads as `noOrdinal`.
        while entries[hole] == Self.empty || UInt32(truncatingIfNeeded: entries[hole] >> 32) != ordinal {
            if entries[hole] == Self.empty { return }
            hole = (hole + 1) & mask
        }
        // Backward-shift deletion: later entries of the run whose home is not between the
        // hole and themselves move into it, so every look-up still finds an unbroken run.
        var next = hole
        while true {
            next = (next + 1) & mask
            let entry = entries[next]
            if entry == Self.empty { break }
            let wanted = home(UInt32(truncatingIfNeeded: entry >> 32))
            let stays = hole <= next ? (hole < wanted && wanted <= next) : (hole < wanted || wanted <= next)
            if !stays {
                entries[hole] = entry
                hole = next
            }
        }
        entries[hole] = Self.empty
        count -= 1
    }

    /// Fibonacci hashing: the top bits of the ordinal times 2⁶⁴/φ.
    private func home(_ ordinal: UInt32) -> Int {
        Int(truncatingIfNeeded: (UInt64(ordinal) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    private mutating func grow() {
        let old = entries
        let capacity = Swift.max(8, old.count * 2)
        entries = [UInt64](repeating: Self.empty, count: capacity)
        shift = UInt64(64 - capacity.trailingZeroBitCount)
        count = 0
        for entry in old where entry != Self.empty {
            set(Slot(truncatingIfNeeded: entry), for: UInt32(truncatingIfNeeded: entry >> 32))
        }
    }
}
