import Glibc

/// Small files the kernel generates (`/proc`, `/sys`), read whole in one `read`.
enum KernelFile {
    /// The file's text, or nil when it cannot be opened or is empty; at most `capacity`
    /// bytes, which must exceed the file (these files are produced in one piece).
    static func read(_ path: String, capacity: Int = 4096) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: capacity)
        let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return String(decoding: bytes[..<count], as: UTF8.self)
    }
}
