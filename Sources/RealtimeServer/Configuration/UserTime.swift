import CoachingCore
import Foundation

/// Time-zone arithmetic kept off the hot path (Foundation's `TimeZone` is consulted when
/// a user's state is created and every `refreshIntervalMs`, never per message).
enum UserTime {
    /// The UTC offset of `timeZone` (IANA name) at `atMs`; 0 for an unknown zone.
    static func offsetMs(timeZone: String, atMs: Int64) -> Int64 {
        guard let zone = TimeZone(identifier: timeZone) else { return 0 }
        let date = Date(timeIntervalSince1970: Double(atMs) / 1_000)
        return Int64(zone.secondsFromGMT(for: date)) * 1_000
    }
}
