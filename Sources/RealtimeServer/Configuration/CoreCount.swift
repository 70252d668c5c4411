import CLinux
import Glibc

/// How many CPUs this process may use, which sets the default number of event loops: the
/// online CPUs, narrowed by the affinity mask (`taskset`, cpusets) and by a cgroup CPU quota
/// (what `docker run --cpus` or a Kubernetes limit sets), rounded up. More loops than that
/// only take turns on the same cores, and each turn is a context switch and a latency spike.
enum CoreCount {
    /// At least 1.
    static func usable() -> Int {
        var count = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let affinity = Int(flowcoach_affinity_cpu_count())
        if affinity > 0 { count = min(count, affinity) }
        if let quota = cgroupQuotaCores() { count = min(count, quota) }
        return max(1, count)
    }

    /// The tightest CPU quota on this process's cgroup (v2: `cpu.max` up the tree; v1:
    /// `cpu.cfs_quota_us` ÷ `cpu.cfs_period_us`), in whole cores rounded up; nil: none.
    static func cgroupQuotaCores() -> Int? {
        guard let membership = KernelFile.read("/proc/self/cgroup") else { return nil }
        var tightest: Int?
        func consider(_ cores: Int?) {
            if let cores { tightest = min(tightest ?? cores, cores) }
        }
        if let path = cgroupPath(membership, controller: nil) {
            for directory in selfAndAncestors(path) {
                consider(KernelFile.read("/sys/fs/cgroup\(directory)/cpu.max").flatMap(quotaCores(cpuMax:)))
            }
        }
        if let path = cgroupPath(membership, controller: "cpu") {
            for mount in ["/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"] {
                for directory in [path, "/"] {
                    let base = directory == "/" ? mount : mount + directory
                    guard let quota = KernelFile.read(base + "/cpu.cfs_quota_us"),
                          let period = KernelFile.read(base + "/cpu.cfs_period_us") else { continue }
                    consider(quotaCores(quota: quota, period: period))
                }
            }
        }
        return tightest
    }

    /// The cgroup path from the text of `/proc/self/cgroup`: the v2 one ("0::/path") for a
    /// nil controller, else the v1 hierarchy whose controller list names `controller`.
    static func cgroupPath(_ text: String, controller: String?) -> String? {
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3, fields[2].hasPrefix("/") else { continue }
            if let controller {
                if fields[1].split(separator: ",").contains(Substring(controller)) { return String(fields[2]) }
            } else if fields[0] == "0", fields[1].isEmpty {
                return String(fields[2])
            }
        }
        return nil
    }

    /// Cores a v2 `cpu.max` allows ("QUOTA PERIOD" in µs, rounded up); nil for "max …".
    static func quotaCores(cpuMax text: String) -> Int? {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard fields.count == 2 else { return nil }
        return quotaCores(quota: String(fields[0]), period: String(fields[1]))
    }

    /// Cores a quota and period (µs, as text) allow, rounded up; nil when unlimited (-1, "max").
    static func quotaCores(quota: String, period: String) -> Int? {
        func number(_ text: String) -> Int? { Int(text.filter { $0 != "\n" && $0 != " " }) }
        guard let quota = number(quota), let period = number(period), quota > 0, period > 0 else { return nil }
        return (quota + period - 1) / period
    }

    /// "/a/b" → "/a/b", "/a", "/".
    static func selfAndAncestors(_ path: String) -> [String] {
        var directories: [String] = []
        var directory = Substring(path)
        while true {
            directories.append(directory.isEmpty ? "/" : String(directory))
            guard let slash = directory.lastIndex(of: "/"), !directory.isEmpty, directory != "/" else { break }
            directory = directory[..<slash]
        }
        return directories
    }
}
