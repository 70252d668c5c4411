/// Limits the reader enforces while it parses, before the tape grows past them.
///
/// Every limit is checked at the byte that would exceed it, so a hostile document costs
/// at most `maxValues` tape entries and `maxDepth` stack entries (STYLE.md: limits are
/// enforced when the length is known).
public struct JSONLimits: Sendable, Hashable {
    /// Deepest nesting of arrays and objects. A scalar at the top is depth 0, `[]` is
    /// depth 1. Default 32: the `activity` message needs 2.
    public var maxDepth: Int

    /// Most tape entries one document may produce. Every value counts one, and so does
    /// every object key. Default 10,000: an `activity` message with 512 intervals needs
    /// about 560. Clamped to `Int32.max` (tape indices are 32-bit).
    public var maxValues: Int

    /// Largest payload accepted, in bytes. Offsets on the tape are 32-bit, so this is
    /// clamped to `UInt32.max - 1` whatever the caller asks for. Default 1 MiB.
    public var maxInputBytes: Int

    /// Creates limits; the defaults suit the Flowcoach wire protocol.
    public init(maxDepth: Int = 32, maxValues: Int = 10_000, maxInputBytes: Int = 1 << 20) {
        precondition(maxDepth >= 0, "JSONLimits: maxDepth must not be negative")
        precondition(maxValues >= 1, "JSONLimits: maxValues must be at least 1")
        precondition(maxInputBytes >= 0, "JSONLimits: maxInputBytes must not be negative")
        self.maxDepth = maxDepth
        self.maxValues = Swift.min(maxValues, Int(Int32.max))
        self.maxInputBytes = Swift.min(maxInputBytes, Int(UInt32.max) - 1)
    }
}
