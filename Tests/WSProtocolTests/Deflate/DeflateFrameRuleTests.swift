import Testing
import WSProtocol

/// RFC 7692 §6: where RSV1 ("Per-Message Compressed") may appear.
struct DeflateFrameRuleTests {
    @Test("RSV1 on the first frame of a data message starts a compressed message")
    func firstFrame() {
        #expect(DeflateFrameRule.classify(rsv1: true, isControlFrame: false, isContinuationFrame: false, deflateAgreed: true)
            == .compressedMessageStart)
        #expect(DeflateFrameRule.classify(rsv1: false, isControlFrame: false, isContinuationFrame: false, deflateAgreed: true)
            == .uncompressed)
    }

    @Test("RSV1 on a control frame fails the connection with 1002")
    func controlFrame() {
        #expect(DeflateFrameRule.classify(rsv1: true, isControlFrame: true, isContinuationFrame: false, deflateAgreed: true)
            == .violation(.compressedControlFrame))
        #expect(DeflateFrameRule.isCompressedControlFrame(rsv1: true, isControlFrame: true))
        #expect(!DeflateFrameRule.isCompressedControlFrame(rsv1: false, isControlFrame: true))
        #expect(!DeflateFrameRule.isCompressedControlFrame(rsv1: true, isControlFrame: false))
        #expect(DeflateFrameRule.Violation.compressedControlFrame.closeCodeValue == 1002)
    }

    @Test("RSV1 on a continuation frame fails the connection")
    func continuationFrame() {
        #expect(DeflateFrameRule.classify(rsv1: true, isControlFrame: false, isContinuationFrame: true, deflateAgreed: true)
            == .violation(.compressedContinuationFrame))
        #expect(DeflateFrameRule.classify(rsv1: false, isControlFrame: false, isContinuationFrame: true, deflateAgreed: true)
            == .uncompressed)
    }

    @Test("RSV1 without permessage-deflate agreed fails the connection (RFC 6455 §5.2)")
    func notNegotiated() {
        #expect(DeflateFrameRule.classify(rsv1: true, isControlFrame: false, isContinuationFrame: false, deflateAgreed: false)
            == .violation(.notNegotiated))
    }
}
