import CLinux
import Glibc

/// A joinable POSIX thread (the runner joins its loops at the end).
struct SoakThread: Sendable {
    private let handle: pthread_t

    init(name: String, _ body: @escaping @Sendable () -> Void) throws(SocketFailure) {
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
            Unmanaged<Box>.fromOpaque(argument).takeRetainedValue().body()
            return nil
        }, box)
        guard status == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            throw SocketFailure(call: "pthread_create", errno: status)
        }
        self.handle = handle
    }

    func join() { pthread_join(handle, nil) }
}
