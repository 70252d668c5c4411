/// Who is on one board scope (global, a language or a team, for one period key): the
/// identity every ranking of that scope shares — names, user ids, the book's ordinals and
/// the look-ups from them to a *slot*, the member's place in every array here and in each
/// ``RankTree`` of the scope.
///
/// ### Why the rankings share it
/// A scope has two rankings (coding time, flow time) over nearly the same people: everybody
/// who reached flow also has coding time. When each ranking kept its own names, ids and
/// dictionaries, a member cost about 140 bytes per ranking, and every user's first minute
/// of flow added another 140 to each of their flow boards (global and language; day, week
/// and month). Shared, a member costs this table once, and a ranking adds a 24-byte node.
struct BoardMembers: Sendable {
    typealias Slot = Int32
    static let noSlot: Slot = -1
    /// "No caller ordinal recorded for this slot".
    static let noOrdinal = UInt32.max

    private(set) var names: [String] = []
    private(set) var userIds: [String] = []
    /// Per slot: the name's first 16 UTF-8 bytes as a ``NameKey``. Sixteen rather than eight
    /// because generated names share long prefixes (the soak's `soak-3f9a1c-17` agree in
    /// their first 12 bytes), and equal totals are common (whole 5-second windows): with 8
    /// bytes most ties read both `String`s.
    private(set) var nameKeys: [NameKey] = []
    /// The caller's ordinal of each slot (``noOrdinal`` when it never gave one).
    private var ordinals: [UInt32] = []
    private(set) var slotByUserId: [String: Slot] = [:]
    private var slotByOrdinal = OrdinalSlots()
    private var freeSlots: [Slot] = []

    /// Members of the scope (on at least one of its rankings).
    var count: Int { slotByUserId.count }
    /// Slots handed out so far, free or not: the length every ranking's node array follows.
    var slotCount: Int { names.count }

    func slot(of userId: String) -> Slot? { slotByUserId[userId] }

    func slot(ofOrdinal ordinal: UInt32) -> Slot? {
        ordinal == Self.noOrdinal ? nil : slotByOrdinal[ordinal]
    }

    /// Adds a member and returns its slot (a freed one if any, else `slotCount` before the
    /// call: rankings must then grow to cover it).
    mutating func insert(userId: String, name: String) -> Slot {
        let key = Self.nameKey(name)
        if let slot = freeSlots.popLast() {
            names[Int(slot)] = name
            userIds[Int(slot)] = userId
            nameKeys[Int(slot)] = key
            slotByUserId[userId] = slot
            return slot
        }
        let slot = Slot(names.count)
        names.append(name)
        userIds.append(userId)
        nameKeys.append(key)
        ordinals.append(Self.noOrdinal)
        slotByUserId[userId] = slot
        return slot
    }

    /// Finds the member by `ordinal` from now on (moving it from an older ordinal).
    mutating func record(ordinal: UInt32, for slot: Slot) {
        guard ordinal != Self.noOrdinal else { return }
        let previous = ordinals[Int(slot)]
        if previous == ordinal { return }
        if previous != Self.noOrdinal { slotByOrdinal.remove(previous) }
        ordinals[Int(slot)] = ordinal
        slotByOrdinal.set(slot, for: ordinal)
    }

    /// Renames a member. The name is part of every ranking's order key: call it only while
    /// the slot is unlinked from every tree (or while they are unsorted).
    mutating func setName(_ name: String, of slot: Slot) {
        names[Int(slot)] = name
        nameKeys[Int(slot)] = Self.nameKey(name)
    }

    /// Forgets a member; its slot is reused. Every ranking must have dropped it first.
    mutating func remove(_ slot: Slot) {
        slotByUserId[userIds[Int(slot)]] = nil
        if ordinals[Int(slot)] != Self.noOrdinal { slotByOrdinal.remove(ordinals[Int(slot)]) }
        names[Int(slot)] = ""
        userIds[Int(slot)] = ""
        ordinals[Int(slot)] = Self.noOrdinal
        freeSlots.append(slot)
    }

    /// Between two members with equal totals: true when `a` ranks strictly ahead (name
    /// ascending, then user id ascending).
    func namePrecedes(_ a: Slot, _ b: Slot) -> Bool {
        let x = nameKeys[Int(a)], y = nameKeys[Int(b)]
        if x.high != NameKey.undecided && y.high != NameKey.undecided {
            if x.high != y.high { return x.high < y.high }
            if x.low != y.low { return x.low < y.low }
        }
        return tieBreak(a, b)
    }

    /// Names the prefixes cannot order: compare the strings.
    @inline(never)
    private func tieBreak(_ a: Slot, _ b: Slot) -> Bool {
        let nameA = names[Int(a)], nameB = names[Int(b)]
        if nameA != nameB { return nameA < nameB }
        return userIds[Int(a)] < userIds[Int(b)]
    }

    static func nameKey(_ name: String) -> NameKey { NameKey(name) }
}

/// A name's first 16 UTF-8 bytes as two big-endian integers, zero-padded; both
/// ``undecided`` when the name holds a scalar from U+0300 on.
///
/// For two names of scalars below U+0300 (ASCII, Latin-1 and Latin Extended-A and B: the
/// accented letters of most European names), comparing (`high`, `low`) orders them as
/// `String`'s `<` whenever the keys differ. `String` compares the scalars of the names'
/// canonical composition (NFC); such names are already in it — every scalar below U+0300
/// has canonical combining class 0 and is its own composition, and no canonical
/// decomposition has a later scalar below U+0300, so nothing in them composes — and UTF-8
/// bytes sort as their scalars do. So the first differing byte decides, and a name that
/// ended there (padding 0) is the shorter one. Equal keys, or a name with a combining mark
/// or any later script (whose composition may differ from its bytes), leave the order to
/// the strings. A scalar from U+0300 on is the only one whose UTF-8 holds a byte of 0xCC
/// or more (continuation bytes are at most 0xBF), and no UTF-8 starts with 0xFF, so
/// ``undecided`` is no other name's key.
struct NameKey: Equatable, Sendable {
    static let undecided = UInt64.max

    var high: UInt64 = 0
    var low: UInt64 = 0

    init(_ name: String) {
        var count = 0
        var decided = true
        for byte in name.utf8 {
            if byte >= 0xCC { decided = false }
            if count < 8 {
                high |= UInt64(byte) << (56 - 8 * count)
            } else if count < 16 {
                low |= UInt64(byte) << (56 - 8 * (count - 8))
            }
            count += 1
        }
        if !decided {
            high = Self.undecided
            low = Self.undecided
        }
    }
}
