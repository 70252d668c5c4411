import CoachingCore
import ArgumentParser
import FlowEngine
import FlowEvaluation
import Foundation
import RealtimeServer
import WireJSON
import Glibc

/// `flowcoach replay FILE.jsonl`: runs recorded `activity` messages through the FlowEngine
/// exactly as the server does (same decoder, same engine, same encoder) and prints one JSON
/// message per line: each `flow`, every `break` reminder and, at the end (or on
/// `session.end`), each session's `session.summary`.
struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay recorded activity messages (JSON lines) through the flow engine.",
        discussion: """
            Each line is a PROTOCOL.md message (`activity`, `session.end`, `break.ack`; \
            `session.start` is accepted and implied by a session's first activity). A line may \
            carry `"user":"NAME"`; lines without one belong to one default user. Bad lines are \
            reported on standard error with their line number and field, and skipped.
            """)

    @Argument(help: "A JSON-lines file, or - for standard input.")
    var file: String

    @Option(help: "The users' UTC offset in minutes, for daily aggregates and late-night signals.")
    var utcOffsetMinutes: Int = 0

    @Option(help: """
        A JSON-lines file of labelled spans ({"session","from_ms","to_ms","label"}): print the \
        evaluation of the flow answers against it (per-phase shares, precision, recall, balanced \
        accuracy, state changes per stable phase, entry/exit latency, reliability table) \
        instead of the answers.
        """)
    var labels: String?

    /// `at_ms` plausibility is checked against this "now" (year 2100): recorded sessions are
    /// in the past, and the decoder's "not far in the future" rule must not reject them.
    static let replayNowMs: Int64 = 4_102_444_800_000

    func run() throws {
        guard let input = file == "-" ? fdopen(0, "r") : fopen(file, "r") else {
            throw ValidationError("cannot open \(file): \(String(cString: strerror(errno)))")
        }
        defer { fclose(input) }
        var replay = ReplayRun(utcOffsetMs: Int64(utcOffsetMinutes) * 60_000)
        if let labels {
            do {
                replay.labels = try ReplayLabels(path: labels)
            } catch {
                throw ValidationError("\(error)")
            }
        }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        var lineNumber = 0
        while true {
            let length = getline(&line, &capacity, input)
            guard length >= 0, let line else { break }
            lineNumber += 1
            let bytes = UnsafeRawBufferPointer(start: line, count: length)
            replay.process(line: bytes, number: lineNumber)
        }
        free(line)
        replay.finish()
        if let labels = replay.labels {
            print(labels.evaluation().report(title: "\(file) against \(self.labels ?? "") (\(labels.judgedWindows) windows judged)"))
        }
        if replay.rejectedLines > 0 {
            FileHandle.standardError.write(Data("replay: \(replay.rejectedLines) line(s) skipped\n".utf8))
        }
    }
}

/// The state of one replay: the server's decoder and encoder around a `ReplayEngine`.
struct ReplayRun: ~Copyable {
    var decoder = InboundDecoder()
    var userReader = JSONParser()
    var engine = ReplayEngine()
    var encoder = OutboundEncoder()
    let utcOffsetMs: Int64
    var rejectedLines = 0
    var sink = BufferedOutput(fd: 1)
    let newline: [UInt8] = [0x0A]
    /// Event time of the latest window: a `break.ack` has no timestamp of its own.
    var lastAtMs: Int64 = 0
    /// With `--labels`: the answers are judged against them instead of printed.
    var labels: ReplayLabels?

    init(utcOffsetMs: Int64) {
        self.utcOffsetMs = utcOffsetMs
    }

    mutating func process(line raw: UnsafeRawBufferPointer, number: Int) {
        var bytes = raw
        while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
        guard !bytes.isEmpty else { return }
        let user: String?
        do {
            user = try userReader.parseObject(bytes).stringIfPresent("user")?.makeString()
        } catch {
            reject(number, "bad_json", "\(error)")
            return
        }
        switch decoder.decode(bytes, nowMs: Replay.replayNowMs) {
        case .rejected(let error):
            reject(number, error.code.description, error.message)
        case .message(let message, _):
            switch message {
            case .activity(let session):
                lastAtMs = max(lastAtMs, decoder.window.atMs)
                let input = ReplayEngine.Input(user: user, session: session.description, window: decoder.window, utcOffsetMs: utcOffsetMs)
                emit(engine.ingest(input))
            case .sessionEnd(let end):
                if let summary = engine.endSession(end.session.description, atMs: end.atMs) {
                    emit([summary])
                } else {
                    reject(number, "unknown_session", "session \(end.session) has no activity before its end")
                }
            case .breakAck(let ack):
                _ = engine.acknowledgeBreak(user: user, reminder: ack.reminder, action: ack.action, atMs: lastAtMs)
            case .sessionStart, .hello, .ping:
                break
            case .subscribe, .unsubscribe, .privacySet, .goalSet:
                reject(number, "unknown_type", "\(message.typeName) is not part of a replay")
            }
        }
    }

    mutating func finish() {
        emit(engine.finish())
        sink.flush()
    }

    private mutating func emit(_ outputs: [ReplayEngine.Output]) {
        if labels != nil {
            for case .flow(let user, let session, let assessment) in outputs {
                labels?.record(user: user, session: session, assessment: assessment)
            }
            return
        }
        for output in outputs {
            switch output {
            case .flow(_, let session, let assessment):
                guard let id = SessionID(session) else { continue }
                encoder.flow(session: id, assessment: assessment)
            case .breakReminder(_, _, let reminder):
                encoder.breakReminder(reminder)
            case .summary(_, let session, let summary):
                guard let id = SessionID(session) else { continue }
                encoder.sessionSummary(session: id, summary: summary)
            }
            encoder.withUnsafeBytes { bytes in sink.write(bytes) }
            sink.write(newline)
        }
    }

    private mutating func reject(_ line: Int, _ code: String, _ message: String) {
        rejectedLines += 1
        FileHandle.standardError.write(Data("line \(line): \(code): \(message)\n".utf8))
    }
}

/// Buffered writes to a file descriptor (standard output), flushed at 64 KiB and at the end.
struct BufferedOutput {
    let fd: Int32
    var buffer: [UInt8] = []

    mutating func write(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 64 << 10 { flush() }
    }

    mutating func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    mutating func flush() {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { bytes in
                Glibc.write(fd, UnsafeRawBufferPointer(rebasing: bytes[offset...]).baseAddress, bytes.count - offset)
            }
            if written <= 0 { break }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
