// RFC 8259 §4: "The names within an object SHOULD be unique." When they are not,
// receivers disagree (first wins, last wins, error), which lets a message mean one thing
// to a proxy or validator and another to the server. WireJSON rejects such objects.

extension JSONParser {
    /// Objects up to this many members are checked pairwise; larger ones are sorted so
    /// a hostile object costs O(n log n) comparisons, not O(n²).
    static let pairwiseLimit = 16

    /// Throws ``JSONError/duplicateKey(offset:key:)`` for the earliest member whose name
    /// (compared after unescaping) appeared before in the closed object at `object`.
    mutating func checkDuplicateNames(object: Int, bytes p: UnsafePointer<UInt8>) throws(JSONError) {
        let count = Int(nodes[object].length)
        reserveScratch(count)
        var k = object + 1
        for m in 0..<count {
            scratch[m] = Int32(truncatingIfNeeded: k)
            k = nodes[k + 1].next(after: k + 1)
        }
        let tape = JSONTape(nodes: UnsafePointer(nodes), bytes: p)
        var duplicate: Int? = nil
        if count <= Self.pairwiseLimit {
            search: for later in 1..<count {
                let name = tape.string(nodes[Int(scratch[later])])
                for earlier in 0..<later where name.equals(tape.string(nodes[Int(scratch[earlier])])) {
                    duplicate = Int(scratch[later])
                    break search
                }
            }
        } else {
            let keys = UnsafeMutableBufferPointer(start: scratch, count: count)
            Self.heapSort(keys) { a, b in
                let order = tape.string(tape.nodes[Int(a)]).compare(tape.string(tape.nodes[Int(b)]))
                return order != 0 ? order < 0 : a < b
            }
            for m in 1..<count where tape.string(nodes[Int(keys[m])]).equals(tape.string(nodes[Int(keys[m - 1])])) {
                duplicate = Swift.min(duplicate ?? Int.max, Int(keys[m]))
            }
        }
        if let index = duplicate {
            throw .duplicateKey(offset: Int(nodes[index].start) - 1, key: tape.string(nodes[index]).makeString())
        }
    }

    /// In-place heapsort: O(n log n) worst case, no allocation (the standard library's
    /// sort may allocate a merge buffer).
    static func heapSort(_ a: UnsafeMutableBufferPointer<Int32>, by less: (Int32, Int32) -> Bool) {
        func siftDown(_ start: Int, _ end: Int) {
            var root = start
            while true {
                var child = 2 * root + 1
                guard child < end else { return }
                if child + 1 < end && less(a[child], a[child + 1]) { child += 1 }
                guard less(a[root], a[child]) else { return }
                a.swapAt(root, child)
                root = child
            }
        }
        let n = a.count
        var start = n / 2
        while start > 0 {
            start -= 1
            siftDown(start, n)
        }
        var end = n
        while end > 1 {
            end -= 1
            a.swapAt(0, end)
            siftDown(0, end)
        }
    }
}
