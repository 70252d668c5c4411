internal import CLinux
internal import Glibc

/// A joinable POSIX thread running one closure: an event loop of the server or of the soak
/// client (both join their loops on shutdown, which Foundation's `Thread` does not offer).
public struct LoopThread: Sendable {
    private let handle: pthread_t

    /// Starts `body` on a new thread named `name` (visible in `top -H` and debuggers).
    public init(name: String, _ body: @escaping @Sendable () -> Void) throws(SocketError) {
        final class Box: Sendable {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let threadName = String(name.prefix(15))
        let box = Unmanaged.passRetained(Box({
            flowcoach_set_thread_name(threadName)
            body()
        })).toOpaque()
        var handle = pthread_t()
        let status = pthread_create(&handle, nil, { argument in
            guard let argument else { return nil }
            let box = Unmanaged<Box>.fromOpaque(argument).takeRetainedValue()
            box.body()
            return nil
        }, box)
        guard status == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            throw SocketError(call: "pthread_create", errno: status)
        }
        self.handle = handle
    }

    /// Waits for the thread to finish.
    public func join() {
        pthread_join(handle, nil)
    }
}
