import CLibPQ
import CoachingCore
import Foundation
import Glibc

/// One libpq connection driven in non-blocking mode: every send is flushed with `PQflush`
/// and every result awaited with `poll(2)` under a deadline, so a server that stops
/// answering (a network partition) becomes a timeout error instead of a thread stuck in
/// `recv` forever.
///
/// Statements are prepared once per connection (`PQsendPrepare`, cached by SQL text) and
/// always run with bound parameters (`PQsendQueryPrepared`); the SQL text is a constant of
/// this module, never built from input.
///
/// A broken connection (the server restarted, the socket failed, a timeout) is closed and
/// reported as a transient `StoreError.unavailable`; the next call connects again. Retry
/// pacing (backoff) is the `PersistenceWriter`'s job.
///
/// Not thread-safe: used by one thread at a time, like every store.
final class PGConnection {
    /// The connection string or URL as given (may hold a password: never printed).
    private let conninfo: String
    /// The same with any password replaced, for messages.
    let redactedConninfo: String
    /// How long one connect or one statement may take before the connection is abandoned.
    let timeoutMs: Int

    private(set) var handle: OpaquePointer?
    private var preparedNames: [String: String] = [:]
    private var statementCounter = 0
    /// Inside `transaction`: a lost connection must fail the transaction, not silently
    /// reconnect and run the rest of it outside.
    private var inTransaction = false
    /// Statements sent in pipeline mode whose results are not read yet (`sendPipelined`).
    var pipelinePending = 0

    /// Checks the connection string's syntax; does not connect yet.
    init(conninfo: String, timeoutMs: Int) throws(StoreError) {
        self.conninfo = conninfo
        self.redactedConninfo = Self.redact(conninfo)
        self.timeoutMs = timeoutMs
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &errorMessage) else {
            let message = errorMessage.map { String(cString: $0) } ?? "invalid connection string"
            PQfreemem(errorMessage)
            throw .invalidValue(what: "database URL \(redactedConninfo): \(message.trimmingTrailingNewlines)")
        }
        PQconninfoFree(options)
    }

    deinit { close() }

    /// Closes the connection (if open); the next call connects again.
    func close() {
        if let handle { PQfinish(handle) }
        handle = nil
        preparedNames.removeAll()
        pipelinePending = 0
    }

    var isConnected: Bool { handle.map { PQstatus($0) == CONNECTION_OK } ?? false }

    // MARK: Connecting

    /// The open connection, connecting first when there is none (the first call, or the
    /// call after a broken connection).
    @discardableResult
    func connectIfNeeded() throws(StoreError) -> OpaquePointer {
        if let handle, PQstatus(handle) == CONNECTION_OK { return handle }
        close()
        guard !inTransaction else {
            throw .unavailable(code: 0, message: "connection to \(redactedConninfo) lost inside a transaction")
        }
        // Defaults first: keywords after `dbname` (the expanded URL) would override the URL's.
        let keywords = ["application_name", "client_encoding", "keepalives", "keepalives_idle", "keepalives_interval",
                        "keepalives_count", "dbname"]
        let values = ["flowcoach", "UTF8", "1", "30", "10", "3", conninfo]
        let started = Self.withCStrings(keywords) { keywordPointers in
            Self.withCStrings(values) { valuePointers in PQconnectStartParams(keywordPointers, valuePointers, 1) }
        }
        guard let connection = started else { throw .unavailable(code: ENOMEM, message: "libpq could not allocate a connection") }
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
        var polling = PGRES_POLLING_WRITING
        while polling != PGRES_POLLING_OK {
            guard PQstatus(connection) != CONNECTION_BAD, polling != PGRES_POLLING_FAILED else {
                let message = PGErrorMapping.connectionMessage(connection)
                PQfinish(connection)
                throw .unavailable(code: 0, message: "cannot connect to \(redactedConninfo): \(message)")
            }
            do {
                try Self.wait(connection, readable: polling == PGRES_POLLING_READING, writable: polling == PGRES_POLLING_WRITING, until: deadline)
            } catch {
                PQfinish(connection)
                throw error
            }
            polling = PQconnectPoll(connection)
        }
        guard PQsetnonblocking(connection, 1) == 0 else {
            let message = PGErrorMapping.connectionMessage(connection)
            PQfinish(connection)
            throw .unavailable(code: 0, message: "cannot switch \(redactedConninfo) to non-blocking mode: \(message)")
        }
        handle = connection
        // Fixed formats for what the store parses back (hex bytea, ISO dates).
        // Notices ("relation already exists, skipping") are not errors: keep them off stderr.
        try execute("SET bytea_output = 'hex'; SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; SET client_min_messages = warning")
        return connection
    }

    // MARK: Statements

    /// Runs one statement of this module's constant SQL with bound parameters, preparing it
    /// on first use on this connection.
    @discardableResult
    func query(_ sql: String, _ values: [PGValue] = []) throws(StoreError) -> PGResult {
        let connection = try connectIfNeeded()
        let name = try preparedName(for: sql, on: connection)
        let sent = try Self.withParameters(values) { count, pointers, lengths, formats in
            PQsendQueryPrepared(connection, name, count, pointers, lengths, formats, 0)
        }
        guard sent == 1 else { throw broken(connection) }
        return try finish(connection)
    }

    /// Runs parameterless SQL (one or more statements: schema, SET, BEGIN/COMMIT).
    @discardableResult
    func execute(_ sql: String) throws(StoreError) -> PGResult {
        let connection = try connectIfNeeded()
        guard PQsendQuery(connection, sql) == 1 else { throw broken(connection) }
        return try finish(connection)
    }

    /// Runs `body` inside BEGIN … COMMIT; rolls back when it throws.
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try execute("BEGIN")
        inTransaction = true
        do {
            let result = try body()
            inTransaction = false
            try execute("COMMIT")
            return result
        } catch {
            inTransaction = false
            if let handle, PQstatus(handle) == CONNECTION_OK, PQtransactionStatus(handle) != PQTRANS_IDLE {
                _ = try? execute("ROLLBACK")
            }
            throw error
        }
    }

    /// The name `sql` was prepared under on this connection.
    func preparedName(ifKnown sql: String) throws(StoreError) -> String {
        guard let name = preparedNames[sql] else { throw .failed(code: 0, message: "statement not prepared") }
        return name
    }

    func preparedName(for sql: String, on connection: OpaquePointer) throws(StoreError) -> String {
        if let name = preparedNames[sql] { return name }
        statementCounter += 1
        let name = "fc\(statementCounter)"
        guard PQsendPrepare(connection, name, sql, 0, nil) == 1 else { throw broken(connection) }
        _ = try finish(connection)
        preparedNames[sql] = name
        return name
    }

    /// Flushes what was sent, then collects every result of the command. Returns the last
    /// result; throws the first error (after draining, so the connection stays usable).
    private func finish(_ connection: OpaquePointer) throws(StoreError) -> PGResult {
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
        try flush(connection, until: deadline)
        var last: PGResult?
        var firstError: StoreError?
        while true {
            while PQisBusy(connection) == 1 {
                try waitOrClose(connection, readable: true, writable: false, until: deadline)
                guard PQconsumeInput(connection) == 1 else { throw broken(connection) }
            }
            guard let result = PQgetResult(connection) else { break }
            let status = PQresultStatus(result)
            if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY {
                last = PGResult(handle: result)
            } else {
                if firstError == nil { firstError = PGErrorMapping.storeError(result: result, connection: connection) }
                PQclear(result)
            }
            if PQstatus(connection) == CONNECTION_BAD { break }
        }
        if PQstatus(connection) == CONNECTION_BAD {
            let error = firstError ?? .unavailable(code: 0, message: PGErrorMapping.connectionMessage(connection))
            close()
            if case .unavailable = error { throw error }
            throw StoreError.unavailable(code: 0, message: error.description)
        }
        if let firstError { throw firstError }
        guard let last else { throw StoreError.failed(code: 0, message: "PostgreSQL returned no result") }
        return last
    }

    /// Sends what libpq has queued. Non-blocking: PQflush returns 1 while data is still
    /// queued; read meanwhile so the server is never blocked writing to us (libpq manual,
    /// "Asynchronous Command Processing").
    func flush(_ connection: OpaquePointer, until deadline: ContinuousClock.Instant) throws(StoreError) {
        while true {
            let flushed = PQflush(connection)
            if flushed == 0 { return }
            guard flushed == 1 else { throw broken(connection) }
            let ready = try waitOrClose(connection, readable: true, writable: true, until: deadline)
            if ready.readable, PQconsumeInput(connection) == 0 { throw broken(connection) }
        }
    }

    /// Closes a connection that failed underneath a call; the error is transient.
    func broken(_ connection: OpaquePointer) -> StoreError {
        let message = PGErrorMapping.connectionMessage(connection)
        close()
        return .unavailable(code: 0, message: "connection to \(redactedConninfo) failed: \(message)")
    }

    // MARK: Waiting

    /// `wait`, closing the connection when it fails: after a timeout its state is unknown.
    @discardableResult
    func waitOrClose(
        _ connection: OpaquePointer, readable: Bool, writable: Bool, until deadline: ContinuousClock.Instant
    ) throws(StoreError) -> (readable: Bool, writable: Bool) {
        do {
            return try Self.wait(connection, readable: readable, writable: writable, until: deadline)
        } catch {
            close()
            throw error
        }
    }

    /// Waits until the socket is ready or the deadline passes (then the connection is
    /// treated as broken by the caller).
    @discardableResult
    private static func wait(
        _ connection: OpaquePointer, readable: Bool, writable: Bool, until deadline: ContinuousClock.Instant
    ) throws(StoreError) -> (readable: Bool, writable: Bool) {
        let socket = PQsocket(connection)
        guard socket >= 0 else { throw .unavailable(code: EBADF, message: "connection has no socket") }
        var events: Int16 = 0
        if readable { events |= Int16(POLLIN) }
        if writable { events |= Int16(POLLOUT) }
        while true {
            let remaining = deadline - ContinuousClock.now
            let remainingMs = remaining.components.seconds * 1_000 + remaining.components.attoseconds / 1_000_000_000_000_000
            guard remainingMs > 0 else {
                throw .unavailable(code: ETIMEDOUT, message: "PostgreSQL did not answer in time")
            }
            var descriptor = pollfd(fd: socket, events: events, revents: 0)
            let ready = poll(&descriptor, 1, Int32(clamping: remainingMs))
            if ready < 0 {
                if errno == EINTR { continue }
                throw .unavailable(code: errno, message: "poll failed: errno \(errno)")
            }
            if ready == 0 { continue }
            let revents = Int32(descriptor.revents)
            // Errors and hang-ups count as readable: libpq then reads the EOF and reports it.
            let readableNow = revents & (POLLIN | POLLERR | POLLHUP) != 0
            return (readableNow, revents & POLLOUT != 0)
        }
    }

    // MARK: C strings

    /// Calls `body` with NUL-terminated copies of `values` (nil for `.null`), all in one
    /// buffer, and with their lengths and formats when any value is binary (nil otherwise:
    /// all text). Encoding (and the NUL check) happens before anything is sent.
    static func withParameters<R>(
        _ values: [PGValue],
        _ body: (Int32, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R
    ) throws(StoreError) -> R {
        var buffer: [UInt8] = []
        var offsets: [Int] = []
        offsets.reserveCapacity(values.count)
        for value in values {
            let start = buffer.count
            offsets.append(try value.encode(into: &buffer) ? start : -1)
        }
        let lengths = values.map { $0.binaryLength ?? 0 }
        let formats = values.map { $0.binaryLength == nil ? Int32(0) : 1 }
        let anyBinary = formats.contains(1)
        return buffer.withUnsafeBufferPointer { bytes in
            let base = UnsafeRawPointer(bytes.baseAddress)
            let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
                guard offset >= 0, let base else { return nil }
                return (base + offset).assumingMemoryBound(to: CChar.self)
            }
            return pointers.withUnsafeBufferPointer { pointerBuffer in
                lengths.withUnsafeBufferPointer { lengthBuffer in
                    formats.withUnsafeBufferPointer { formatBuffer in
                        body(
                            Int32(values.count), pointerBuffer.baseAddress, anyBinary ? lengthBuffer.baseAddress : nil,
                            anyBinary ? formatBuffer.baseAddress : nil)
                    }
                }
            }
        }
    }

    /// A NULL-terminated array of C strings for libpq's keyword/value interfaces.
    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress) }
    }

    // MARK: Redaction

    /// The connection string with any password replaced by `***` (URL user-info or
    /// `password=` keyword), for error messages and logs.
    static func redact(_ conninfo: String) -> String {
        if let scheme = conninfo.range(of: "://") {
            let rest = conninfo[scheme.upperBound...]
            guard let at = rest.firstIndex(of: "@") else { return conninfo }
            let userInfo = rest[..<at]
            var redacted = String(conninfo[..<scheme.upperBound])
            if let colon = userInfo.firstIndex(of: ":") {
                redacted += userInfo[..<colon] + ":***"
            } else {
                redacted += userInfo
            }
            var tail = String(rest[at...])
            if let range = tail.range(of: "password=") {
                let end = tail[range.upperBound...].firstIndex(of: "&") ?? tail.endIndex
                tail.replaceSubrange(range.upperBound..<end, with: "***")
            }
            return redacted + tail
        }
        guard let range = conninfo.range(of: "password") else { return conninfo }
        var text = conninfo
        guard let equals = text[range.upperBound...].firstIndex(of: "=") else { return conninfo }
        let valueStart = text.index(after: equals)
        let end = text[valueStart...].firstIndex(of: " ") ?? text.endIndex
        text.replaceSubrange(valueStart..<end, with: "***")
        return text
    }
}

extension String {
    fileprivate var trimmingTrailingNewlines: String {
        var text = Substring(self)
        while text.last?.isNewline == true { text = text.dropLast() }
        return String(text)
    }
}
