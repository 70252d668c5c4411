/// What ``InboundDecoder/decode(_:nowMs:)`` returns for one text message: a peer's bad
/// input is data, not an exception (STYLE.md), so both outcomes are values.
public enum InboundDecodeResult: Sendable, Hashable {
    /// A valid message and its request `id` (to echo as `ref`), if it had one.
    case message(InboundMessage, id: RequestID?)
    /// The message was rejected; send an `error` with this code, message and ref.
    case rejected(AppError)

    /// The message, or `nil` when rejected.
    public var message: InboundMessage? {
        switch self {
        case .message(let message, _): message
        case .rejected: nil
        }
    }

    /// The error, or `nil` when decoded.
    public var error: AppError? {
        switch self {
        case .message: nil
        case .rejected(let error): error
        }
    }
}
