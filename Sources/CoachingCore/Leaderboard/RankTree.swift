/// One ranking's order over the members of a ``BoardMembers`` table: an order-statistics
/// treap whose nodes sit in a flat array indexed by the members' slots.
///
/// A node holds only plain values (the total, links, subtree size, two flags), so comparing
/// two members on the update path reads no `String` and retains nothing: equal totals fall
/// to the members' 16-byte name keys, and only keys that cannot decide read the names and
/// ids. Every method that orders takes the members table it was built over.
/// - score change: O(log n) expected (one descent from the root to where the member's old
///   and new places part, then a removal and an insertion within that subtree, each with
///   expected O(1) nodes of merging or splitting);
/// - own rank: O(log n) (a descent counting the left subtrees it passes);
/// - top k: O(k + log n).
/// Priorities are a hash of the slot, computed when needed, so the same inputs build the
/// same tree.
struct RankTree: Sendable {
    typealias Slot = BoardMembers.Slot

    /// What the tree reads of a member: plain values only (24 bytes).
    struct Node {
        var valueMs: Int64 = 0
        var left: Slot = BoardMembers.noSlot
        var right: Slot = BoardMembers.noSlot
        /// Nodes in this subtree (1 for a leaf); meaningful only while linked.
        var size: Int32 = 1
        /// On this ranking (a member of the scope may be on the other ranking only).
        var member = false
        /// Linked into the tree (a member who did not opt out).
        var visible = false
    }

    private(set) var nodes: [Node] = []
    private(set) var root: Slot = BoardMembers.noSlot
    /// Members on this ranking, visible or not.
    private(set) var memberCount = 0

    /// Makes room for `slot` (a node per slot of the members table).
    mutating func cover(_ slot: Slot) {
        while nodes.count <= Int(slot) { nodes.append(Node()) }
    }

    /// The member's total on this ranking, or `nil` when not on it.
    func value(at slot: Slot) -> Int64? {
        guard Int(slot) < nodes.count, nodes[Int(slot)].member else { return nil }
        return nodes[Int(slot)].valueMs
    }

    func isLinked(_ slot: Slot) -> Bool {
        Int(slot) < nodes.count && nodes[Int(slot)].member && nodes[Int(slot)].visible
    }

    /// Sets the member's total and visibility, putting it on this ranking if new.
    mutating func set(_ slot: Slot, valueMs: Int64, visible: Bool, members: BoardMembers) {
        cover(slot)
        if nodes[Int(slot)].member {
            let node = nodes[Int(slot)]
            if node.visible && visible && node.valueMs == valueMs { return }
            if node.visible && visible {
                move(slot, toValue: valueMs, members: members)
                return
            }
            if node.visible { unlink(slot, members: members) }
        } else {
            nodes[Int(slot)] = Node(member: true)
            memberCount += 1
        }
        nodes[Int(slot)].valueMs = valueMs
        nodes[Int(slot)].visible = visible
        if visible { link(slot, members: members) }
    }

    /// Adds `deltaMs` to the member's total (a new member starts at 0); returns the total.
    @discardableResult
    mutating func add(_ slot: Slot, deltaMs: Int64, visible: Bool, members: BoardMembers) -> Int64 {
        let value = Self.total(value(at: slot) ?? 0, plus: deltaMs)
        set(slot, valueMs: value, visible: visible, members: members)
        return value
    }

    /// Bulk loading: adds to the total without keeping the tree; ``sortRows(members:)`` before
    /// any other use.
    mutating func addUnsorted(_ slot: Slot, deltaMs: Int64, visible: Bool) {
        cover(slot)
        if !nodes[Int(slot)].member {
            nodes[Int(slot)] = Node(member: true)
            memberCount += 1
        }
        nodes[Int(slot)].valueMs = Self.total(nodes[Int(slot)].valueMs, plus: deltaMs)
        nodes[Int(slot)].visible = visible
    }

    /// Changes only visibility; no-op for a slot not on this ranking.
    mutating func setVisible(_ visible: Bool, _ slot: Slot, members: BoardMembers) {
        guard value(at: slot) != nil, nodes[Int(slot)].visible != visible else { return }
        if visible {
            nodes[Int(slot)].visible = true
            link(slot, members: members)
        } else {
            unlink(slot, members: members)
            nodes[Int(slot)].visible = false
        }
    }

    /// Takes the member off this ranking. Returns whether it was on it.
    @discardableResult
    mutating func remove(_ slot: Slot, members: BoardMembers) -> Bool {
        guard value(at: slot) != nil else { return false }
        if nodes[Int(slot)].visible { unlink(slot, members: members) }
        nodes[Int(slot)] = Node()
        memberCount -= 1
        return true
    }

    /// Unlinks a member while its order key (the name) changes; pair with ``relink``.
    /// Returns whether it was linked.
    mutating func detach(_ slot: Slot, members: BoardMembers) -> Bool {
        guard isLinked(slot) else { return false }
        unlink(slot, members: members)
        return true
    }

    /// Links again a member taken out by ``detach``.
    mutating func relink(_ slot: Slot, members: BoardMembers) {
        link(slot, members: members)
    }

    /// Rebuilds the tree after bulk loading: one O(n log n) sort, then an O(n) build.
    mutating func sortRows(members: BoardMembers) {
        var visible: [Slot] = []
        visible.reserveCapacity(memberCount)
        for slot in nodes.indices where nodes[slot].member && nodes[slot].visible { visible.append(Slot(slot)) }
        visible.sort { precedes($0, $1, members) }
        // A treap from sorted keys: a Cartesian tree on the priorities (one stack pass).
        var stack: [Slot] = []
        for slot in visible {
            var last = BoardMembers.noSlot
            while let top = stack.last, Self.priority(top) < Self.priority(slot) {
                last = stack.removeLast()
            }
            nodes[Int(slot)].left = last
            nodes[Int(slot)].right = BoardMembers.noSlot
            if let top = stack.last { nodes[Int(top)].right = slot }
            stack.append(slot)
        }
        root = stack.first ?? BoardMembers.noSlot
        _ = recount(root)
    }

    // MARK: Reading

    /// The member's own rank, or `nil` when not on this ranking.
    func ownRank(_ slot: Slot, members: BoardMembers) -> OwnRank? {
        guard let value = value(at: slot) else { return nil }
        return OwnRank(rank: countPreceding(slot, members) + 1, valueMs: value, visible: nodes[Int(slot)].visible)
    }

    /// Every member's own rank as of now (O(n): an in-order walk of the visible members,
    /// then a descent for each hidden one).
    func ownRankTable(members: BoardMembers) -> OwnRankTable {
        var places = [UInt32](repeating: 0, count: nodes.count)
        var values = [Int64](repeating: 0, count: nodes.count)
        var rank: UInt32 = 0
        var stack: [Slot] = []
        stack.reserveCapacity(64)
        var node = root
        while node != BoardMembers.noSlot || !stack.isEmpty {
            while node != BoardMembers.noSlot {
                stack.append(node)
                node = nodes[Int(node)].left
            }
            guard let next = stack.popLast() else { break }
            rank += 1
            places[Int(next)] = rank << 1 | 1
            node = nodes[Int(next)].right
        }
        for slot in nodes.indices where nodes[slot].member {
            values[slot] = nodes[slot].valueMs
            if !nodes[slot].visible { places[slot] = UInt32(countPreceding(Slot(slot), members) + 1) << 1 }
        }
        return OwnRankTable(slotByUserId: members.slotByUserId, places: places, values: values, memberCount: memberCount)
    }

    /// In-order rows, at most `limit`.
    func collect(limit: Int, members: BoardMembers) -> [RankIndex.Entry] {
        var rows: [RankIndex.Entry] = []
        rows.reserveCapacity(min(limit, Int(size(root))))
        var stack: [Slot] = []
        var node = root
        while rows.count < limit && (node != BoardMembers.noSlot || !stack.isEmpty) {
            while node != BoardMembers.noSlot {
                stack.append(node)
                node = nodes[Int(node)].left
            }
            guard let next = stack.popLast() else { break }
            rows.append(
                RankIndex.Entry(
                    valueMs: nodes[Int(next)].valueMs, name: members.names[Int(next)], userId: members.userIds[Int(next)]))
            node = nodes[Int(next)].right
        }
        return rows
    }

    /// Tests: what breaks the treap's rules, empty when nothing does — the linked members
    /// in order, every node's priority above its children's, every size its subtree's count,
    /// and exactly the visible members linked.
    func violations(members: BoardMembers) -> [String] {
        var found: [String] = []
        var linked = 0
        func visit(_ slot: Slot, _ parentPriority: UInt32?) -> Int32 {
            guard slot != BoardMembers.noSlot else { return 0 }
            linked += 1
            let node = nodes[Int(slot)]
            if !node.member || !node.visible { found.append("slot \(slot) linked but not a visible member") }
            if let parentPriority, Self.priority(slot) > parentPriority { found.append("slot \(slot) above its parent's priority") }
            if node.left != BoardMembers.noSlot && !precedes(node.left, slot, members) { found.append("left of \(slot) out of order") }
            if node.right != BoardMembers.noSlot && !precedes(slot, node.right, members) { found.append("right of \(slot) out of order") }
            let size = visit(node.left, Self.priority(slot)) + visit(node.right, Self.priority(slot)) + 1
            if size != node.size { found.append("slot \(slot) has size \(node.size), subtree \(size)") }
            return size
        }
        _ = visit(root, nil)
        let rows = collect(limit: Int.max, members: members)
        for (a, b) in zip(rows, rows.dropFirst()) where !a.precedes(b) { found.append("rows out of order at \(a.userId)") }
        let visible = nodes.filter { $0.member && $0.visible }.count
        if linked != visible { found.append("\(linked) linked, \(visible) visible") }
        return found
    }

    // MARK: Order

    /// Saturating, never below zero.
    static func total(_ value: Int64, plus delta: Int64) -> Int64 {
        let total = value.addingReportingOverflow(delta)
        return total.overflow ? Int64.max : max(0, total.partialValue)
    }

    /// A fixed hash of the slot (murmur3's finaliser): the same inputs build the same tree.
    private static func priority(_ slot: Slot) -> UInt32 {
        var x = UInt32(bitPattern: slot) &+ 0x9E37_79B9
        x ^= x >> 16
        x &*= 0x85EB_CA6B
        x ^= x >> 13
        x &*= 0xC2B2_AE35
        x ^= x >> 16
        return x
    }

    /// True when member `a` ranks strictly ahead of member `b` (``RankIndex/Entry/precedes(_:)``).
    private func precedes(_ a: Slot, _ b: Slot, _ members: BoardMembers) -> Bool {
        let x = nodes[Int(a)].valueMs, y = nodes[Int(b)].valueMs
        if x != y { return x > y }
        return members.namePrecedes(a, b)
    }

    /// Visible members ranked ahead of member `slot` (linked or not).
    private func countPreceding(_ slot: Slot, _ members: BoardMembers) -> Int {
        var count = 0
        var node = root
        while node != BoardMembers.noSlot {
            if node != slot && precedes(node, slot, members) {
                count += Int(size(nodes[Int(node)].left)) + 1
                node = nodes[Int(node)].right
            } else {
                node = nodes[Int(node)].left
            }
        }
        return count
    }

    // MARK: Treap

    private func size(_ slot: Slot) -> Int32 { slot == BoardMembers.noSlot ? 0 : nodes[Int(slot)].size }

    /// Sizes of a freshly built subtree.
    private mutating func recount(_ slot: Slot) -> Int32 {
        guard slot != BoardMembers.noSlot else { return 0 }
        let total = recount(nodes[Int(slot)].left) + recount(nodes[Int(slot)].right) + 1
        nodes[Int(slot)].size = total
        return total
    }

    /// Puts an unlinked member into the tree at its place, as a treap inserts: down from the
    /// root, counting the member into each subtree it enters, until its priority beats the
    /// node there; only that subtree is split around it (expected O(1) nodes, where
    /// splitting the whole tree and merging it back cost three passes over its depth). The
    /// priorities are distinct (a bijection of the slot), so the shape is the one any other
    /// order of insertions gives.
    private mutating func link(_ slot: Slot, members: BoardMembers) {
        let start = root
        // One exclusive access to the nodes for the whole change: indexing the array per step
        // checked its uniqueness and bounds every time (slots are in bounds: `cover`).
        root = nodes.withUnsafeMutableBufferPointer { Self.link(slot, into: start, $0, members) }
    }

    /// Takes a linked member out of the tree (its order key must be the one it was linked
    /// with): down from the root to it, counting it out of each subtree on the way, then its
    /// two subtrees merged in its place.
    private mutating func unlink(_ slot: Slot, members: BoardMembers) {
        let start = root
        root = nodes.withUnsafeMutableBufferPointer { Self.unlink(slot, from: start, $0, members) }
    }

    /// Moves a linked member to its place for a new total in one pass from the root: down
    /// while its old and new places lie on the same side of each node (those subtrees keep
    /// the same members, so their sizes stand), then out of and back into the subtree where
    /// the two places part. When a score change moves a member a few places, that subtree is
    /// small and most of the two descents `unlink` and `link` would make from the root are
    /// saved (equal totals make moves longer). The tree ends as `unlink` then `link` leave
    /// it (a treap's shape is set by its keys and priorities alone).
    private mutating func move(_ slot: Slot, toValue valueMs: Int64, members: BoardMembers) {
        let start = root
        root = nodes.withUnsafeMutableBufferPointer { nodes in
            var parent = BoardMembers.noSlot
            var right = false
            var node = start
            while node != slot {
                precondition(node != BoardMembers.noSlot, "RankTree: member table and tree disagree")
                let oldGoesRight = Self.precedes(node, slot, nodes, members)
                guard Self.precedes(node, slot, valued: valueMs, nodes, members) == oldGoesRight else { break }
                parent = node
                right = oldGoesRight
                node = oldGoesRight ? nodes[Int(node)].right : nodes[Int(node)].left
            }
            let rest = Self.unlink(slot, from: node, nodes, members)
            nodes[Int(slot)].valueMs = valueMs
            let subtree = Self.link(slot, into: rest, nodes, members)
            return Self.attach(subtree, under: parent, right: right, root: start, nodes)
        }
    }

    // The steps of `link` and `unlink`, on the nodes lent by one exclusive access.
    typealias Nodes = UnsafeMutableBufferPointer<Node>

    private static func size(_ slot: Slot, _ nodes: Nodes) -> Int32 {
        slot == BoardMembers.noSlot ? 0 : nodes[Int(slot)].size
    }

    private static func precedes(_ a: Slot, _ b: Slot, _ nodes: Nodes, _ members: BoardMembers) -> Bool {
        precedes(a, b, valued: nodes[Int(b)].valueMs, nodes, members)
    }

    /// Whether `a` ranks ahead of `b` were `b`'s total `valueMs`.
    private static func precedes(_ a: Slot, _ b: Slot, valued valueMs: Int64, _ nodes: Nodes, _ members: BoardMembers) -> Bool {
        let x = nodes[Int(a)].valueMs
        if x != valueMs { return x > valueMs }
        return members.namePrecedes(a, b)
    }

    /// `link` within the subtree rooted at `start`: down while the nodes outrank `slot`'s
    /// priority, counting it into each, then the rest split around it. Returns the
    /// subtree's root.
    private static func link(_ slot: Slot, into start: Slot, _ nodes: Nodes, _ members: BoardMembers) -> Slot {
        let priority = Self.priority(slot)
        var parent = BoardMembers.noSlot
        var goesRight = false
        var node = start
        while node != BoardMembers.noSlot && Self.priority(node) > priority {
            nodes[Int(node)].size += 1
            parent = node
            goesRight = Self.precedes(node, slot, nodes, members)
            node = goesRight ? nodes[Int(node)].right : nodes[Int(node)].left
        }
        let (before, after) = Self.split(node, before: slot, nodes, members)
        nodes[Int(slot)].left = before
        nodes[Int(slot)].right = after
        nodes[Int(slot)].size = Self.size(before, nodes) + Self.size(after, nodes) + 1
        return Self.attach(slot, under: parent, right: goesRight, root: start, nodes)
    }

    /// `unlink` within the subtree rooted at `start`, which holds `slot`. Returns the
    /// subtree's root.
    private static func unlink(_ slot: Slot, from start: Slot, _ nodes: Nodes, _ members: BoardMembers) -> Slot {
        var parent = BoardMembers.noSlot
        var wentRight = false
        var node = start
        while node != slot {
            precondition(node != BoardMembers.noSlot, "RankTree: member table and tree disagree")
            nodes[Int(node)].size -= 1
            parent = node
            wentRight = Self.precedes(node, slot, nodes, members)
            node = wentRight ? nodes[Int(node)].right : nodes[Int(node)].left
        }
        let joined = Self.merge(nodes[Int(slot)].left, nodes[Int(slot)].right, nodes)
        return Self.attach(joined, under: parent, right: wentRight, root: start, nodes)
    }

    /// Makes `subtree` the given child of `parent`, or the root when there is no parent;
    /// returns the root.
    private static func attach(_ subtree: Slot, under parent: Slot, right: Bool, root: Slot, _ nodes: Nodes) -> Slot {
        if parent == BoardMembers.noSlot { return subtree }
        if right {
            nodes[Int(parent)].right = subtree
        } else {
            nodes[Int(parent)].left = subtree
        }
        return root
    }

    /// Splits `tree` into the members that rank ahead of `pivot` and the rest, in one pass
    /// down: the nodes that go before chain by their right links, the others by their left
    /// links. A second pass down each chain sets its sizes (a chain node keeps its other
    /// subtree and gains the rest of its chain).
    private static func split(_ tree: Slot, before pivot: Slot, _ nodes: Nodes, _ members: BoardMembers) -> (Slot, Slot) {
        var before = BoardMembers.noSlot, after = BoardMembers.noSlot
        var beforeTail = BoardMembers.noSlot, afterTail = BoardMembers.noSlot
        var beforeCount: Int32 = 0, afterCount: Int32 = 0
        var node = tree
        while node != BoardMembers.noSlot {
            if precedes(node, pivot, nodes, members) {
                if beforeTail == BoardMembers.noSlot { before = node } else { nodes[Int(beforeTail)].right = node }
                beforeTail = node
                beforeCount += size(nodes[Int(node)].left, nodes) + 1
                node = nodes[Int(node)].right
            } else {
                if afterTail == BoardMembers.noSlot { after = node } else { nodes[Int(afterTail)].left = node }
                afterTail = node
                afterCount += size(nodes[Int(node)].right, nodes) + 1
                node = nodes[Int(node)].left
            }
        }
        if beforeTail != BoardMembers.noSlot { nodes[Int(beforeTail)].right = BoardMembers.noSlot }
        if afterTail != BoardMembers.noSlot { nodes[Int(afterTail)].left = BoardMembers.noSlot }
        node = before
        while node != BoardMembers.noSlot {
            nodes[Int(node)].size = beforeCount
            beforeCount -= size(nodes[Int(node)].left, nodes) + 1
            node = nodes[Int(node)].right
        }
        node = after
        while node != BoardMembers.noSlot {
            nodes[Int(node)].size = afterCount
            afterCount -= size(nodes[Int(node)].right, nodes) + 1
            node = nodes[Int(node)].left
        }
        return (before, after)
    }

    /// Joins two trees where every member of `first` ranks ahead of every member of
    /// `second`, in one pass down: the node of higher priority stays on top and takes in the
    /// whole of the other tree (its size grows by that tree's).
    private static func merge(_ first: Slot, _ second: Slot, _ nodes: Nodes) -> Slot {
        var first = first, second = second
        var joined = BoardMembers.noSlot
        var parent = BoardMembers.noSlot
        var right = false
        while first != BoardMembers.noSlot && second != BoardMembers.noSlot {
            if priority(first) > priority(second) {
                nodes[Int(first)].size += nodes[Int(second)].size
                joined = attach(first, under: parent, right: right, root: joined, nodes)
                parent = first
                right = true
                first = nodes[Int(first)].right
            } else {
                nodes[Int(second)].size += nodes[Int(first)].size
                joined = attach(second, under: parent, right: right, root: joined, nodes)
                parent = second
                right = false
                second = nodes[Int(second)].left
            }
        }
        return attach(first == BoardMembers.noSlot ? second : first, under: parent, right: right, root: joined, nodes)
    }
}
