import Testing
@testable import WSProtocol

struct ReceiveBufferTests {
    @Test("appends grow geometrically and keep earlier bytes")
    func growth() {
        var buffer = ReceiveBuffer()
        #expect(buffer.capacity == 0 && buffer.count == 0)
        for i in 0..<100 {
            [UInt8(i), UInt8(i)].withUnsafeBytes { buffer.append($0) }
        }
        #expect(buffer.count == 200)
        #expect(buffer.capacity >= 200 && buffer.capacity <= 512)
        let bytes = Array(buffer.bytes())
        #expect(bytes[0] == 0 && bytes[199] == 99 && bytes[100] == 50)
        #expect(Array(buffer.bytes(from: 198)) == [99, 99])
    }

    @Test("truncate keeps the prefix; removeAll frees storage above the retained capacity only")
    func release() {
        var buffer = ReceiveBuffer()
        [UInt8](repeating: 7, count: 100).withUnsafeBytes { buffer.append($0) }
        buffer.truncate(to: 10)
        #expect(buffer.count == 10)
        buffer.removeAll(retainingUpTo: 1024)
        #expect(buffer.count == 0 && buffer.capacity >= 100)
        [UInt8](repeating: 7, count: 5000).withUnsafeBytes { buffer.append($0) }
        buffer.removeAll(retainingUpTo: 1024)
        #expect(buffer.count == 0 && buffer.capacity == 0)
        #expect(buffer.bytes().isEmpty)
    }

    @Test("an empty buffer is one nil pointer; the control start lives in the allocation")
    func layoutAndControlStart() {
        #expect(MemoryLayout<ReceiveBuffer>.size == 8)
        var buffer = ReceiveBuffer()
        buffer.controlStart = 0  // nothing stored: allowed, allocates nothing
        #expect(buffer.capacity == 0)
        [UInt8](repeating: 1, count: 10).withUnsafeBytes { buffer.append($0) }
        buffer.controlStart = buffer.count
        [UInt8](repeating: 2, count: 300).withUnsafeBytes { buffer.append($0) }  // grows: the header moves along
        #expect(buffer.controlStart == 10)
        #expect(buffer.bytes(from: buffer.controlStart).count == 300)
        #expect(Array(buffer.bytes()).prefix(11) == [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2])
        buffer.removeAll(retainingUpTo: 1024)
        #expect(buffer.count == 0 && buffer.controlStart == 0 && buffer.capacity >= 310)
        buffer.removeAll(retainingUpTo: 0)
        #expect(buffer.capacity == 0 && buffer.bytes().isEmpty)
    }
}
