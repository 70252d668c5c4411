import Glibc

/// CPU and memory of the server process, read from `/proc/<pid>` (Linux `proc(5)`).
public struct ProcessUsage: Sendable, Equatable {
    /// User + system CPU time, clock ticks.
    public var cpuTicks: Int64
    /// Resident set size, KiB (`VmRSS`).
    public var rssKiB: Int64
    /// Peak resident set size, KiB (`VmHWM`).
    public var peakRSSKiB: Int64

    public init(cpuTicks: Int64, rssKiB: Int64, peakRSSKiB: Int64) {
        self.cpuTicks = cpuTicks
        self.rssKiB = rssKiB
        self.peakRSSKiB = peakRSSKiB
    }

    /// Reads the usage of `pid`; nil when the process is gone or /proc is unreadable.
    public static func read(pid: Int32) -> ProcessUsage? {
        guard let stat = FileBytes.read("/proc/\(pid)/stat"), let status = FileBytes.read("/proc/\(pid)/status"),
              let ticks = cpuTicks(stat: String(decoding: stat, as: UTF8.self))
        else { return nil }
        let text = String(decoding: status, as: UTF8.self)
        return ProcessUsage(cpuTicks: ticks, rssKiB: statusKiB(text, "VmRSS") ?? 0, peakRSSKiB: statusKiB(text, "VmHWM") ?? 0)
    }

    /// Clock ticks per second (`sysconf(_SC_CLK_TCK)`).
    public static var ticksPerSecond: Int64 { Int64(sysconf(Int32(_SC_CLK_TCK))) }

    /// utime + stime (fields 14 and 15 of `/proc/<pid>/stat`). The command name (field 2)
    /// may contain spaces and parentheses, so fields are counted after the last `)`.
    public static func cpuTicks(stat: String) -> Int64? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); utime is field 14 → index 11.
        guard fields.count > 12, let user = Int64(fields[11]), let system = Int64(fields[12]) else { return nil }
        return user + system
    }

    /// A `Name:   123 kB` line of `/proc/<pid>/status`, in KiB.
    public static func statusKiB(_ status: String, _ name: String) -> Int64? {
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let parts = line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" })
            return parts.first.flatMap { Int64($0) }
        }
        return nil
    }
}

/// Whole-file reads through Glibc (profiles, token files, /proc).
public enum FileBytes {
    /// The file's bytes, or nil when it cannot be opened.
    public static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes.append(contentsOf: chunk[0..<n])
            } else if n == 0 {
                return bytes
            } else if errno != EINTR {
                return nil
            }
        }
    }

    /// Writes `bytes` to `path` (created or truncated, mode 0600). Returns false on failure.
    public static func write(_ bytes: [UInt8], to path: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in raw.baseAddress.map { Glibc.write(fd, $0 + offset, raw.count - offset) } ?? 0 }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }
}
