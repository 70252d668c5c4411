/// Echo: every data message goes straight back (the server's diagnostic `/echo` route and
/// conformance runs), decoded and re-framed in one call so that the shell enters the
/// endpoint and its output once per read rather than twice per message.
extension WebSocketEndpoint {
    /// Decodes events from `bytes[consumed...]` like `nextEvent(from:consumed:output:)`,
    /// sending each text or binary message back into `output` as it completes, and returns
    /// the first event that is not a data message (`.needMoreData` once the input is used
    /// up). `echoed` grows by the number of data messages received (each echoed unless we
    /// have started closing, when `send` refuses data).
    public mutating func echoMessages(
        from bytes: UnsafeMutableRawBufferPointer, consumed: inout Int, output: inout ByteWriter, echoed: inout Int
    ) -> EndpointEvent {
        while true {
            let event = nextEvent(from: bytes, consumed: &consumed, output: &output)
            switch event {
            case .text(let payload):
                send(.text, payload: payload, into: &output)
            case .binary(let payload):
                send(.binary, payload: payload, into: &output)
            default:
                return event
            }
            echoed &+= 1
        }
    }
}
