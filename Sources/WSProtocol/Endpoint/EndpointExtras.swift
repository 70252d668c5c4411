/// What only some endpoints need, in a box of its own: the negotiated extension with the
/// buffer its decoder writes into, and a client's masking-key source. A plain server
/// endpoint (no extension) holds one nil reference instead of 72 bytes inline (RSS per idle
/// connection). Created once with the endpoint; owned by it and used on its thread only.
final class EndpointExtras {
    /// The negotiated extension, if any.
    let transform: (any MessageTransform)?
    /// Output of the extension's decoder before it is validated into the endpoint's storage.
    var transformOutput = ByteWriter()
    /// Masking-key source for the client role (RFC 6455 §5.3: strong entropy, injected).
    var maskingKeys: (any RandomNumberGenerator)?

    init(transform: (any MessageTransform)?, maskingKeys: (any RandomNumberGenerator)?) {
        self.transform = transform
        self.maskingKeys = maskingKeys
    }
}
