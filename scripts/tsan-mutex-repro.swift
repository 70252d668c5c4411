// Does ThreadSanitizer see the ordering Synchronization.Mutex creates on Linux? Four
// threads append to an array under the lock while the main thread swaps it out under the
// lock (the pattern of LoopKit's Mailbox). Every access holds the lock, so every report is
// a false positive. Argument: "mutex" (Synchronization.Mutex) or "pthread" (pthread_mutex_t).
//
//   swiftc -sanitize=thread -O scripts/tsan-mutex-repro.swift -o /tmp/tsan-mutex-repro
//   /tmp/tsan-mutex-repro mutex     # Swift 6.3.1, Linux: "Swift access race" reports
//   /tmp/tsan-mutex-repro pthread   # no report
//
// Both variants drain every element (4 × 200,000), so the lock itself is sound.
import Foundation
import Synchronization

final class PThreadBox: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    var items: [Int] = []
    init() { pthread_mutex_init(&mutex, nil) }
    func withLock<R>(_ body: (inout [Int]) -> R) -> R {
        pthread_mutex_lock(&mutex); defer { pthread_mutex_unlock(&mutex) }
        return body(&items)
    }
}

let kind = CommandLine.arguments.dropFirst().first ?? "mutex"
let mutex = Mutex<[Int]>([])
let box = PThreadBox()
let producers = 4, perProducer = 200_000
let drained = Atomic<Int>(0)
let done = Atomic<Int>(0)

func post(_ value: Int) {
    if kind == "mutex" { mutex.withLock { $0.append(value) } } else { box.withLock { $0.append(value) } }
}
func drain() -> [Int] {
    if kind == "mutex" {
        return mutex.withLock { queue in let taken = queue; queue.removeAll(keepingCapacity: true); return taken }
    }
    return box.withLock { queue in let taken = queue; queue.removeAll(keepingCapacity: true); return taken }
}

var threads: [Thread] = []
for p in 0..<producers {
    let t = Thread { for i in 0..<perProducer { post(p * perProducer + i) }; done.add(1, ordering: .relaxed) }
    threads.append(t); t.start()
}
var total = 0
while done.load(ordering: .relaxed) < producers || total < producers * perProducer {
    total += drain().count
}
print("\(kind): drained \(total)")
