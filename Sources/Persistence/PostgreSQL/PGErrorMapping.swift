import CLibPQ
import CoachingCore

/// Maps a PostgreSQL error to the one `StoreError` every store reports, by SQLSTATE class
/// (PostgreSQL manual, Appendix A). Transient classes are the ones the writer may retry
/// unchanged: a lost or refused connection (08), the server shutting down or restarting (57),
/// exhausted resources (53), and serialization or lock conflicts (40, 55P03).
enum PGErrorMapping {
    static func storeError(sqlState: String?, message: String, connectionLost: Bool) -> StoreError {
        guard let sqlState, sqlState.utf8.count == 5 else {
            // No SQLSTATE: libpq itself failed (the socket broke, the server vanished).
            return connectionLost ? .unavailable(code: 0, message: message) : .failed(code: 0, message: message)
        }
        let text = "\(message) [SQLSTATE \(sqlState)]"
        switch sqlState.prefix(2) {
        case "08", "57", "53", "58": return .unavailable(code: 0, message: text)
        case "40": return .busy(message: text)
        case "23": return sqlState == "23505" ? .duplicate(what: text) : .constraintViolation(message: text)
        case "22": return .invalidValue(what: text)
        default:
            if sqlState == "55P03" { return .busy(message: text) }
            return connectionLost ? .unavailable(code: 0, message: text) : .failed(code: 0, message: text)
        }
    }

    /// The error carried by a failed result.
    static func storeError(result: OpaquePointer, connection: OpaquePointer) -> StoreError {
        let sqlState = PQresultErrorField(result, fc_pg_diag_sqlstate()).map { String(cString: $0) }
        let message = PQresultErrorMessage(result).map { String(cString: $0) }.map(trimmed) ?? "unknown error"
        return storeError(sqlState: sqlState, message: message, connectionLost: PQstatus(connection) != CONNECTION_OK)
    }

    /// libpq's last message on the connection, without the trailing newline.
    static func connectionMessage(_ connection: OpaquePointer?) -> String {
        guard let connection, let text = PQerrorMessage(connection) else { return "no connection" }
        let message = trimmed(String(cString: text))
        return message.isEmpty ? "connection failed" : message
    }

    private static func trimmed(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last.isNewline || last == " " { text = text.dropLast() }
        return String(text)
    }
}
