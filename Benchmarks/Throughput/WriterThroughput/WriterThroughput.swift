// Writer throughput: how many session checkpoints per second the `PersistenceWriter`
// (group commit on its own thread) stores into a `SQLiteStore` and acks with `onDurable`.
//
// A throughput run, not an ordo-one micro-benchmark (one iteration is the whole workload).
// Build and run from Benchmarks/ (release):
//
//     swift build -c release --product WriterThroughput
//     .build/release/WriterThroughput --synchronous full --runs 3
//     .build/release/WriterThroughput --synchronous normal --runs 3
//
// Workload (the target is ≥ 20,000 checkpoints/s into SQLite):
// - a fresh database per run (WAL, migrated) in `--dir` (default: a directory under
//   Benchmarks/.build, on the real disk; never tmpfs, where fsync is free), with `--users`
//   users created before the clock starts;
// - `--sessions` sessions × `--checkpoints` checkpoints each, all built before the clock
//   starts, enqueued in rounds (checkpoint 1 of every session, then checkpoint 2, …) as live
//   sessions produce them every 30 s, so no two checkpoints of one session meet in one batch
//   (the writer would coalesce them into one row) and every checkpoint is a row written;
// - each checkpoint is realistic: cumulative totals, one day row with one language, a
//   completed flow period in one checkpoint of four, and the last one ends the session;
// - the clock runs from the first `enqueue` until `onDurable` has acked the last
//   checkpoint of every session; a refused `enqueue` (queue full) is retried after 100 µs,
//   as a loop would retry at its next tick. Afterwards every session is read back from the
//   store to check that its final seq and totals were stored.
import CoachingCore
import Foundation
import Persistence
import Synchronization

struct Options {
    var sessions = 10_000
    var checkpoints = 5
    var users = 1_000
    var runs = 3
    var synchronous: SQLiteStore.Synchronous = .full
    var directory: String?
    /// A PostgreSQL database to write into instead of a fresh SQLite file per run.
    var databaseURL: String?
    /// The local cluster's `postmaster.pid`, to report the server's CPU per checkpoint too.
    var postmasterPidFile: String?
    var maxBatchDelayMs = WriterConfiguration().maxBatchDelayMs
    var maxBatchRecords = WriterConfiguration().maxBatchRecords

    static let usage = """
        usage: WriterThroughput [--sessions N] [--checkpoints K] [--users U] [--runs R]
                                [--synchronous full|normal] [--dir PATH]
                                [--batch-delay-ms MS] [--batch-records N] [--database-url URL]
                                [--postmaster-pid-file DATA/postmaster.pid]

        --database-url writes through PostgresStore (fsync and synchronous_commit as the
        server has them); give a fresh database for run 1, later runs purge the workload's
        users first and so measure a re-used database.

        --postmaster-pid-file (a cluster on this machine) adds the server's CPU over the
        timed window: the postmaster, its live children and those it reaped (backends, WAL
        writer, checkpointer, autovacuum), from /proc. CPU time shifts much less than wall
        time when other work shares the machine.
        """

    init(arguments: [String]) {
        var rest = arguments.dropFirst()
        func value(_ name: String) -> String {
            guard let next = rest.popFirst() else { Self.fail("\(name) needs a value") }
            return next
        }
        func number(_ name: String) -> Int {
            guard let parsed = Int(value(name)), parsed > 0 else { Self.fail("\(name) needs a positive integer") }
            return parsed
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--sessions": sessions = number(argument)
            case "--checkpoints": checkpoints = number(argument)
            case "--users": users = number(argument)
            case "--runs": runs = number(argument)
            case "--dir": directory = value(argument)
            case "--database-url": databaseURL = value(argument)
            case "--postmaster-pid-file": postmasterPidFile = value(argument)
            case "--batch-delay-ms": maxBatchDelayMs = Int(value(argument)) ?? maxBatchDelayMs
            case "--batch-records": maxBatchRecords = number(argument)
            case "--synchronous":
                switch value(argument).lowercased() {
                case "full": synchronous = .full
                case "normal": synchronous = .normal
                default: Self.fail("--synchronous is full or normal")
                }
            case "-h", "--help":
                print(Self.usage)
                exit(0)
            default:
                Self.fail("unknown argument \(argument)")
            }
        }
        users = min(users, sessions)
        // Every checkpoint is built before the clock starts: bound what that may allocate.
        let (total, overflow) = sessions.multipliedReportingOverflow(by: checkpoints)
        guard !overflow, total <= Self.maximumCheckpoints else {
            Self.fail("--sessions × --checkpoints is at most \(Self.maximumCheckpoints) (each is built in memory first)")
        }
    }

    /// The most checkpoints one run builds (all of them are in memory before the clock starts).
    static let maximumCheckpoints = 2_000_000

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("WriterThroughput: \(message)\n\(usage)\n".utf8))
        exit(2)
    }
}

/// The workload: ids and every checkpoint, built before the clock starts.
struct Workload {
    let userIds: [String]
    let sessionIds: [String]
    let sessionIndex: [String: Int]
    /// Round-major: `records[round * sessions + session]`.
    let records: [PersistenceRecord]
    let finalSeq: Int64
    static let startMs: Int64 = 1_795_317_210_000
    static let checkpointEveryMs: Int64 = 30_000
    static let windowsPerCheckpoint: Int64 = 6
    static let languages = ["swift", "python", "typescript", "rust", "go"]

    /// A random-looking, deterministic version-4 UUID (lowercase), like the ids clients
    /// generate: random keys scatter over the B-tree pages, as in production (sequential
    /// ids would flatter SQLite).
    static func uuid(_ kind: UInt64, _ index: Int) -> String {
        var state = kind &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index)
        func next() -> UInt64 {  // splitmix64
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let high = next() & 0xFFFF_FFFF_FFFF_0FFF | 0x4000
        let low = next() & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
        let hex = String(high, radix: 16).leftPadded(16) + String(low, radix: 16).leftPadded(16)
        let digits = Array(hex)
        return String(digits[0..<8]) + "-" + String(digits[8..<12]) + "-" + String(digits[12..<16]) + "-"
            + String(digits[16..<20]) + "-" + String(digits[20..<32])
    }

    init(_ options: Options) {
        userIds = (0..<options.users).map { Self.uuid(0x7573_6572, $0) }
        sessionIds = (0..<options.sessions).map { Self.uuid(0x7365_7373, $0) }
        sessionIndex = Dictionary(uniqueKeysWithValues: sessionIds.enumerated().map { ($1, $0) })
        finalSeq = Int64(options.checkpoints) * Self.windowsPerCheckpoint
        var records: [PersistenceRecord] = []
        records.reserveCapacity(options.sessions * options.checkpoints)
        for round in 1...options.checkpoints {
            for session in 0..<options.sessions {
                records.append(.checkpoint(Self.checkpoint(
                    round: round, of: options.checkpoints, session: session, id: sessionIds[session],
                    userId: userIds[session % userIds.count])))
            }
        }
        self.records = records
    }

    /// Checkpoint `round` (1-based) of a session: cumulative totals after `round` × 30 s of
    /// typing, one day, one language, a flow period now and then, the last one ends it.
    static func checkpoint(round: Int, of rounds: Int, session: Int, id: String, userId: String) -> SessionCheckpoint {
        let started = startMs + Int64(session % 600) * 1_000
        let elapsed = Int64(round) * checkpointEveryMs
        let flowMs = Int64(round / 2) * 20_000
        let language = languages[session % languages.count]
        var periods: [FlowPeriodRecord] = []
        if (session + round) % 4 == 0 {
            let end = started + elapsed - 5_000
            periods.append(FlowPeriodRecord(startMs: end - 20_000, endMs: end, meanIntensity: 0.72, peakIntensity: 0.91))
        }
        let totals = CheckpointTotals(
            activeMs: elapsed, flowMs: flowMs, keystrokes: Int64(round) * 390, linesAdded: Int64(round) * 12,
            linesDeleted: Int64(round) * 3, flowPeriods: Int64(round / 2), interruptions: Int64(round / 3),
            meanRecoveryMs: round >= 3 ? 45_000 : 0, focusScore: 0.8)
        let day = SessionDayTotals(
            day: "2026-11-22", activeMs: elapsed, flowMs: flowMs, keystrokes: totals.keystrokes,
            linesAdded: totals.linesAdded, linesDeleted: totals.linesDeleted, languageMs: [language: elapsed])
        return SessionCheckpoint(
            sessionId: id, userId: userId, seq: Int64(round) * windowsPerCheckpoint, startedAtMs: started,
            lastAtMs: started + elapsed, ended: round == rounds, project: "project-\(session % 7)", totals: totals,
            days: [day], completedFlowPeriods: periods)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// Acks as they arrive on the writer thread: the highest seq acked per session.
final class AckLedger: Sendable {
    private let ackedSeq: Mutex<[Int64]>
    let acks = Atomic<Int>(0)
    let completedSessions = Atomic<Int>(0)
    let unknownAcks = Atomic<Int>(0)
    private let index: [String: Int]
    private let finalSeq: Int64

    init(_ workload: Workload) {
        ackedSeq = Mutex([Int64](repeating: 0, count: workload.sessionIds.count))
        index = workload.sessionIndex
        finalSeq = workload.finalSeq
    }

    /// `onDurable`: called on the writer thread after each commit.
    func received(_ batch: [DurableAck]) {
        acks.add(batch.count, ordering: .relaxed)
        var completed = 0
        var unknown = 0
        ackedSeq.withLock { acked in
            for ack in batch {
                guard let session = index[ack.sessionId] else {
                    unknown += 1
                    continue
                }
                if ack.seq > acked[session] {
                    if ack.seq >= finalSeq && acked[session] < finalSeq { completed += 1 }
                    acked[session] = ack.seq
                }
            }
        }
        if unknown > 0 { unknownAcks.add(unknown, ordering: .relaxed) }
        if completed > 0 { completedSessions.add(completed, ordering: .releasing) }
    }
}

struct RunResult {
    var checkpointsPerSecond: Double
    var seconds: Double
    var enqueueSeconds: Double
    var refused: Int
    var metrics: WriterMetrics.Snapshot
    /// Process CPU (user + system) over the timed window: the writer thread's work plus
    /// the producer's enqueues (the waiting main thread polls every 200 µs).
    var cpuSeconds: Double
    /// The PostgreSQL cluster's CPU over the same window (`--postmaster-pid-file`).
    var serverCPUSeconds: Double?
    var loadBefore: String
    var loadAfter: String
    var databaseBytes: Int
}

func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?"
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

/// User + system CPU seconds of this process so far.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

/// User + system CPU seconds of a local PostgreSQL cluster: the postmaster including the
/// children it reaped (cutime, cstime), plus its live children (backends, WAL writer,
/// checkpointer, autovacuum workers). Nil when /proc cannot tell.
func clusterCPUSeconds(pidFile: String) -> Double? {
    guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
        let postmaster = text.split(separator: "\n").first.flatMap({ Int($0) })
    else { return nil }
    /// The fields after the command name of /proc/PID/stat (field 3, the state, is [0]).
    func statFields(_ pid: Int) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }
    func ticks(_ fields: [Substring], _ range: ClosedRange<Int>) -> Int {
        range.reduce(0) { $0 + (fields.count > $1 ? Int(fields[$1]) ?? 0 : 0) }
    }
    guard let own = statFields(postmaster) else { return nil }
    var total = ticks(own, 11...14)  // utime, stime, cutime, cstime
    let children = (try? String(contentsOfFile: "/proc/\(postmaster)/task/\(postmaster)/children", encoding: .utf8)) ?? ""
    for child in children.split(separator: " ").compactMap({ Int($0) }) {
        if let fields = statFields(child) { total += ticks(fields, 11...12) }
    }
    return Double(total) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func run(_ options: Options, _ workload: Workload, number: Int, root: String) throws -> RunResult {
    let directory = root + "/run-\(options.synchronous.rawValue.lowercased())-\(number)"
    try? FileManager.default.removeItem(atPath: directory)
    let path = directory + "/flowcoach.sqlite"
    let store: any Store
    if let url = options.databaseURL {
        store = try PostgresStore(url: url)
        _ = try store.migrate()
        for id in workload.userIds { try store.purgeUser(id: id, deleteAccount: true) }
    } else {
        store = try SQLiteStore(path: path, synchronous: options.synchronous)
        _ = try store.migrate()
    }
    for (index, id) in workload.userIds.enumerated() {
        try store.createUser(User(id: id, name: "dev\(index)", displayName: "Developer \(index)",
                                  timeZone: "Europe/Berlin", createdAtMs: Workload.startMs))
    }
    let ledger = AckLedger(workload)
    let configuration = WriterConfiguration(maxBatchRecords: options.maxBatchRecords, maxBatchDelayMs: options.maxBatchDelayMs)
    let writer = PersistenceWriter(
        store: store, configuration: configuration,
        onDurable: { ledger.received($0) },
        onRejected: { records, error in
            FileHandle.standardError.write(Data("WriterThroughput: \(records.count) records rejected: \(error)\n".utf8))
        })
    writer.start()
    let loadBefore = loadAverage()
    let clock = ContinuousClock()
    let cpuStarted = processCPUSeconds()
    let serverCPUStarted = options.postmasterPidFile.flatMap(clusterCPUSeconds(pidFile:))
    let started = clock.now
    var refused = 0
    for record in workload.records {
        while !writer.enqueue(record) {
            refused += 1
            usleep(100)
        }
    }
    let enqueued = clock.now
    let sessions = workload.sessionIds.count
    while ledger.completedSessions.load(ordering: .acquiring) < sessions {
        usleep(200)
    }
    let finished = clock.now
    let cpuSeconds = processCPUSeconds() - cpuStarted
    let serverCPUSeconds = serverCPUStarted.flatMap { started in
        options.postmasterPidFile.flatMap(clusterCPUSeconds(pidFile:)).map { $0 - started }
    }
    let loadAfter = loadAverage()
    let metrics = writer.metrics.snapshot()
    guard writer.shutdown(timeoutMs: 10_000) else { throw RunError.shutdownTimedOut }

    // Every session must be stored with its final seq and totals.
    for (session, id) in workload.sessionIds.enumerated() {
        guard let stored = try store.session(id: id) else { throw RunError.missing(id) }
        let expected = Workload.checkpoint(
            round: options.checkpoints, of: options.checkpoints, session: session, id: id,
            userId: workload.userIds[session % workload.userIds.count])
        guard stored.checkpoint.seq == workload.finalSeq, stored.checkpoint.totals == expected.totals,
            stored.checkpoint.ended
        else { throw RunError.wrong(id) }
    }
    let elapsed = seconds(finished - started)
    return RunResult(
        checkpointsPerSecond: Double(workload.records.count) / elapsed, seconds: elapsed,
        enqueueSeconds: seconds(enqueued - started), refused: refused, metrics: metrics, cpuSeconds: cpuSeconds,
        serverCPUSeconds: serverCPUSeconds,
        loadBefore: loadBefore, loadAfter: loadAfter,
        databaseBytes: fileSize(path) + fileSize(path + "-wal"))
}

enum RunError: Error, CustomStringConvertible {
    case shutdownTimedOut
    case missing(String)
    case wrong(String)

    var description: String {
        switch self {
        case .shutdownTimedOut: "the writer did not shut down in time"
        case .missing(let id): "session \(id) is not in the store"
        case .wrong(let id): "session \(id) is stored with the wrong seq or totals"
        }
    }
}

let options = Options(arguments: CommandLine.arguments)
let root = options.directory
    ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(".build/writer-throughput").path
let workload = Workload(options)
let total = workload.records.count
print("WriterThroughput: \(options.sessions) sessions × \(options.checkpoints) checkpoints = \(total), "
    + "\(options.users) users, store \(options.databaseURL == nil ? "SQLite" : "PostgreSQL"), synchronous=\(options.synchronous.rawValue), batch ≤ \(options.maxBatchRecords) records, "
    + "linger \(options.maxBatchDelayMs) ms, dir \(root)")
var results: [RunResult] = []
for number in 1...options.runs {
    do {
        let result = try run(options, workload, number: number, root: root)
        results.append(result)
        if result.metrics.recordsCommitted != total {
            print("note: the writer coalesced checkpoints of one session in one batch (\(result.metrics.recordsCommitted) "
                + "rows for \(total) checkpoints); use --sessions ≥ --batch-records to measure one row per checkpoint")
        }
        let m = result.metrics
        let meanCommitMs = m.batchesCommitted > 0 ? Double(m.totalCommitMicros) / Double(m.batchesCommitted) / 1_000 : 0
        print(String(
            format: "run %d: %.0f checkpoints/s (%d in %.3f s; enqueue %.3f s, %d refused) | CPU %.3f s = %.1f µs/checkpoint | %d batches, "
                + "mean %.0f records, max %d, mean commit %.1f ms, commit time %.3f s | rows %d | db+wal %.1f MB | load %@ → %@",
            number, result.checkpointsPerSecond, total, result.seconds, result.enqueueSeconds, result.refused,
            result.cpuSeconds, result.cpuSeconds * 1e6 / Double(total),
            m.batchesCommitted, m.batchesCommitted > 0 ? Double(m.recordsCommitted) / Double(m.batchesCommitted) : 0,
            m.maxBatchSize, meanCommitMs, Double(m.totalCommitMicros) / 1e6, m.recordsCommitted,
            Double(result.databaseBytes) / 1e6, result.loadBefore, result.loadAfter))
        if let server = result.serverCPUSeconds {
            print(String(format: "run %d: server CPU %.3f s = %.1f µs/checkpoint", number, server, server * 1e6 / Double(total)))
        }
        print(#"{"synchronous":"\#(options.synchronous.rawValue)","run":\#(number),"checkpoints":\#(total),"#
            + #""seconds":\#(result.seconds),"checkpoints_per_s":\#(Int(result.checkpointsPerSecond)),"#
            + #""batches":\#(m.batchesCommitted),"records_committed":\#(m.recordsCommitted),"#
            + #""commit_micros":\#(m.totalCommitMicros),"cpu_seconds":\#(result.cpuSeconds),"#
            + #""server_cpu_seconds":\#(result.serverCPUSeconds.map { "\($0)" } ?? "null"),"refused":\#(result.refused),"load":"\#(result.loadBefore)"}"#)
    } catch {
        FileHandle.standardError.write(Data("WriterThroughput: run \(number) failed: \(error)\n".utf8))
        exit(1)
    }
}
let sorted = results.map(\.checkpointsPerSecond).sorted()
print(String(format: "median of %d: %.0f checkpoints/s (min %.0f, max %.0f), synchronous=%@",
             sorted.count, sorted[sorted.count / 2], sorted.first ?? 0, sorted.last ?? 0, options.synchronous.rawValue))
try? FileManager.default.removeItem(atPath: root)
