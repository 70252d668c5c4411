// Instructions (and mallocs) per score delta in the leaderboard owner's book, for callgrind.
//
// What the owner thread does per `.score` input (`LeaderboardBook.apply`): the profile, the
// day, week and month boards (global and the delta's language), each ranking's treap, and
// the marks of the channels to publish. The book holds USERS members on each board, loaded
// from stored totals; the stream is the `steady` profile's shape (2,000 active users × 5
// sessions, one per language, 5,000 ms of coding time per delta, flow time for a quarter;
// ScoreDeltaWorkload.swift). One full cycle of the sessions and 1,000 more deltas warm up
// (every active user's boards have seen them once), then DELTAS are counted. Run it with two
// counts and divide the difference: the load, the warm-up and the process start cancel out.
//
//     swift build -c release --product ScoreDeltaCount
//     valgrind --tool=callgrind --callgrind-out-file=/tmp/sd-2000 .build/release/ScoreDeltaCount 10000 2000
//     valgrind --tool=callgrind --callgrind-out-file=/tmp/sd-12000 .build/release/ScoreDeltaCount 10000 12000
//     # instructions per delta = (Ir of 12000 − Ir of 2000) ÷ 10000
//
// `--names distinct` gives realistic names (first and last names, some not ASCII, repeating
// at large counts) instead of the soak's `soak-3f9a1c-N`, whose first 8 bytes all agree.
// `--numbered` sends the stream as a coaching shard does: each user identified once by a
// number, then `.numberedScore` inputs (the server's path; without it, `.score` inputs
// naming the user by id and name, as the cluster's mirror and the WakaTime endpoint send).
// `--publish` also publishes every 500 deltas (the owner's 250 ms tick at 2,000 deltas/s,
// the clock advanced to match): the own-rank tables and frames of the boards that changed.
//
// `--digest` prints a hash of every ranking's rows (totals, names, ids, in order) after
// the run, to check that a change of the book leaves every board as it was (not while
// counting: the hash costs instructions).
//
// Mallocs: with the malloc-counting interposer preloaded (Tests/MallocCounter, as built by
// scripts/check-allocations.sh) it prints the counted deltas' mallocs per delta.
//
// docs/BENCHMARKS.md "Leaderboard owner: instructions per score delta" has the figures.
import CoachingCore
import Glibc

typealias CountFunction = @convention(c) () -> UInt64

let arguments = CommandLine.arguments
var names = ScoreDeltaWorkload.Names.soak
var publishing = false
var digesting = false
var numbered = false
var options = arguments.dropFirst(3)[...]
var valid = arguments.count >= 3
while valid, let option = options.popFirst() {
    switch option {
    case "--publish": publishing = true
    case "--digest": digesting = true
    case "--numbered": numbered = true
    case "--names": if let value = options.popFirst().flatMap(ScoreDeltaWorkload.Names.init) { names = value } else { valid = false }
    default: valid = false
    }
}
guard valid, let users = Int(arguments[1]), users > 0, let deltas = Int(arguments[2]), deltas >= 0 else {
    print("usage: ScoreDeltaCount USERS DELTAS [--names soak|distinct] [--numbered] [--publish] [--digest]")
    exit(2)
}

/// The book, the stream, and the counted part of the run.
struct ScoreDeltaRun {
    var book = LeaderboardBook(periods: ScoreDeltaWorkload.periods)
    let sessions: [ScoreDelta]
    /// The stream as a shard sends it (`--numbered`), or empty.
    let numberedSessions: [NumberedScoreDelta]
    let publishing: Bool
    var nowMs: Int64 = 1_000_000
    var published = 0

    init(workload: ScoreDeltaWorkload, numbered: Bool, publishing: Bool) {
        sessions = workload.sessions
        numberedSessions = numbered ? workload.numberedSessions : []
        self.publishing = publishing
        book.apply(.stored(workload.stored))
        if numbered { for identity in workload.identities { book.apply(identity) } }
        _ = book.publish(nowMs: nowMs)
    }

    /// FNV-1a over every ranking's rows, boards in a fixed order.
    func digest() -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func add(_ bytes: some Sequence<UInt8>) { for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 } }
        for period in LeaderboardChannel.Period.allCases {
            for key in book.boards[period].keys.sorted() {
                guard let boards = book.boards[period][key] else { continue }
                let pairs = [boards.global] + boards.languages.keys.sorted().compactMap { boards.languages[$0] }
                for pair in pairs {
                    for ranking in [pair.codingTime, pair.flowTime] {
                        for row in ranking.entries {
                            add(String(row.valueMs).utf8)
                            add(row.name.utf8)
                            add(row.userId.utf8)
                        }
                        add([0xFF])
                    }
                }
            }
        }
        return hash
    }

    @inline(never)
    mutating func applyDeltas(_ range: Range<Int>) {
        for index in range {
            if numberedSessions.isEmpty {
                book.apply(.score(sessions[index % sessions.count]))
            } else {
                book.apply(.numberedScore(numberedSessions[index % numberedSessions.count]))
            }
            if publishing && index % 500 == 499 {
                nowMs += 250
                published += book.publish(nowMs: nowMs).count
            }
        }
    }
}

let mallocCount: CountFunction? = dlsym(nil, "fe_malloc_thread_count").map { unsafeBitCast($0, to: CountFunction.self) }
var run = ScoreDeltaRun(
    workload: ScoreDeltaWorkload(users: users, names: names), numbered: numbered, publishing: publishing)
let warmUp = run.sessions.count + 1_000
run.applyDeltas(0..<warmUp)
let before = mallocCount?() ?? 0
run.applyDeltas(warmUp..<(warmUp + deltas))
let mallocs = (mallocCount?() ?? 0) - before

let top = run.book.snapshot(for: .leaderboard(LeaderboardChannel(period: .day, metric: .codingTime)))
print("users: \(users) (\(names.rawValue) names\(numbered ? ", numbered" : "")), sessions: \(run.sessions.count), deltas: \(deltas) after \(warmUp) warm-up"
    + (publishing ? ", events published: \(run.published)" : "")
    + ", top frame bytes: \(top?.frame.payloadCount ?? 0)")
if digesting { print("digest: " + String(run.digest(), radix: 16)) }
if mallocCount != nil {
    print("mallocs per delta: \(deltas == 0 ? 0 : Double(mallocs) / Double(deltas)) (\(mallocs) in \(deltas))")
}
