/// Resource limits of one `WebSocketEndpoint`, all enforced when a frame header is decoded,
/// before any payload byte is buffered.
public struct Limits: Sendable, Equatable {
    /// Largest payload one frame may announce; a bigger frame fails the connection with 1009.
    /// Default 16 MiB.
    public var maxFrameSize: Int
    /// Largest message (sum of its fragments, or its inflated size when an extension
    /// transforms it); a bigger message fails the connection with 1009. Default 16 MiB; the
    /// application route sets 64 KiB.
    public var maxMessageSize: Int
    /// Receive storage whose capacity is at most this many bytes is kept for reuse once empty;
    /// larger storage is freed, so an idle endpoint holds no large buffer. Default 1 KiB,
    /// which keeps an idle connection's protocol state under 2 KiB.
    public var retainedBufferCapacity: Int

    /// Creates limits; every value must be positive.
    public init(maxFrameSize: Int = 16 << 20, maxMessageSize: Int = 16 << 20, retainedBufferCapacity: Int = 1024) {
        precondition(maxFrameSize > 0 && maxMessageSize > 0 && retainedBufferCapacity >= 0, "Limits: sizes must be positive")
        self.maxFrameSize = maxFrameSize
        self.maxMessageSize = maxMessageSize
        self.retainedBufferCapacity = retainedBufferCapacity
    }
}
