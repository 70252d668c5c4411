/// Readiness events in the loop's own words; `Epoll.swift` maps them to and from the OS.
public struct IOEvents: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Data (or a pending connection) can be read.
    public static let read = IOEvents(rawValue: 1 << 0)
    /// The socket's send buffer has room again.
    public static let write = IOEvents(rawValue: 1 << 1)
    /// The peer shut down its writing side (EOF follows the readable data).
    public static let readHangup = IOEvents(rawValue: 1 << 2)
    /// Both directions are gone.
    public static let hangup = IOEvents(rawValue: 1 << 3)
    /// An error is pending on the socket.
    public static let error = IOEvents(rawValue: 1 << 4)
}
