import CoachingCore
import Foundation

/// A user's local calendar: which local day and hour an instant falls on, and which
/// instants a local day covers, in the user's IANA time zone (`User.timeZone`).
///
/// Offsets come from Foundation's `TimeZone` (the system tz database), so daylight-saving
/// changes are followed. An unknown zone name falls back to UTC (the admin CLI validates
/// names when it stores them, so that only happens to a database edited by hand).
struct UserCalendar: Sendable {
    private let timeZone: TimeZone
    /// The zone actually used (`UTC` after a fallback).
    let identifier: String

    private static let msPerDay: Int64 = 86_400_000
    private static let msPerHour: Int64 = 3_600_000

    init(timeZoneIdentifier: String) {
        if let zone = TimeZone(identifier: timeZoneIdentifier) {
            timeZone = zone
            identifier = timeZoneIdentifier
        } else {
            timeZone = TimeZone(secondsFromGMT: 0) ?? .gmt
            identifier = "UTC"
        }
    }

    /// Offset from UTC at the instant `ms`, in milliseconds.
    func offsetMs(atMs ms: Int64) -> Int64 {
        Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(ms) / 1000))) * 1000
    }

    /// Milliseconds since the local epoch (local wall-clock time read as if it were UTC).
    private func localMs(atMs ms: Int64) -> Int64 { ms + offsetMs(atMs: ms) }

    /// The local day the instant `ms` falls on.
    func day(atMs ms: Int64) -> LocalDay {
        LocalDay(dayNumber: Self.floorDivide(localMs(atMs: ms), Self.msPerDay))
    }

    /// The local hour of day (0…23) of the instant `ms`.
    func hour(atMs ms: Int64) -> Int {
        Int(Self.floorDivide(localMs(atMs: ms), Self.msPerHour) % 24 + 24) % 24
    }

    /// The first instant of the local day: local midnight, or the end of the gap when a
    /// daylight-saving jump skips midnight (Chile, for one, moves 00:00 to 01:00).
    func startMs(of day: LocalDay) -> Int64 {
        let localMidnight = day.dayNumber * Self.msPerDay
        // Midnight read with the offset at midnight, then refined: around a transition
        // the candidates straddle it; the earliest one that falls on `day` is its start.
        let first = localMidnight - offsetMs(atMs: localMidnight)
        let second = localMidnight - offsetMs(atMs: first)
        let third = localMidnight - offsetMs(atMs: second)
        return [first, second, third].filter { self.day(atMs: $0) == day }.min() ?? second
    }

    /// The first instant after the local day (the start of the next one).
    func endMs(of day: LocalDay) -> Int64 { startMs(of: day.adding(days: 1)) }

    /// The next instant after `ms` at which the local hour changes (for splitting a flow
    /// period by hour of day).
    func nextHourBoundaryMs(after ms: Int64) -> Int64 {
        let offset = offsetMs(atMs: ms)
        let local = ms + offset
        let boundary = (Self.floorDivide(local, Self.msPerHour) + 1) * Self.msPerHour - offset
        // A daylight-saving change can move the computed boundary behind us; never stall.
        return boundary > ms ? boundary : ms + Self.msPerHour
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor < 0) ? quotient - 1 : quotient
    }
}
