/// Which end of the connection an endpoint plays; decides masking (RFC 6455 §5.1).
public enum Role: Sendable, Hashable {
    /// Receives masked frames, sends unmasked frames.
    case server
    /// Receives unmasked frames, sends masked frames (the soak client and tests).
    case client
}
