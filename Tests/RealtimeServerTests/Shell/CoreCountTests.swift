import Glibc
import Testing

@testable import RealtimeServer

struct CoreCountTests {
    @Test("a cgroup v2 quota rounds up to whole cores; no quota is no limit")
    func cpuMax() {
        #expect(CoreCount.quotaCores(cpuMax: "150000 100000\n") == 2)
        #expect(CoreCount.quotaCores(cpuMax: "100000 100000") == 1)
        #expect(CoreCount.quotaCores(cpuMax: "50000 100000\n") == 1)
        #expect(CoreCount.quotaCores(cpuMax: "400000 100000\n") == 4)
        #expect(CoreCount.quotaCores(cpuMax: "max 100000\n") == nil)
        #expect(CoreCount.quotaCores(cpuMax: "") == nil)
        #expect(CoreCount.quotaCores(cpuMax: "100000") == nil)
    }

    @Test("a cgroup v1 quota of -1 is no limit")
    func cfsQuota() {
        #expect(CoreCount.quotaCores(quota: "-1\n", period: "100000\n") == nil)
        #expect(CoreCount.quotaCores(quota: "250000\n", period: "100000\n") == 3)
        #expect(CoreCount.quotaCores(quota: "250000\n", period: "0\n") == nil)
    }

    @Test("the v2 path and a v1 controller's path are read from /proc/self/cgroup")
    func paths() {
        let hybrid = "4:memory:/jobs/a1\n2:cpu,cpuacct:/jobs/a1\n0::/jobs/a1/worker\n"
        #expect(CoreCount.cgroupPath(hybrid, controller: nil) == "/jobs/a1/worker")
        #expect(CoreCount.cgroupPath(hybrid, controller: "cpu") == "/jobs/a1")
        #expect(CoreCount.cgroupPath(hybrid, controller: "cpuset") == nil)
        #expect(CoreCount.cgroupPath("1:name=systemd:/\n", controller: nil) == nil)
        #expect(CoreCount.selfAndAncestors("/a/b") == ["/a/b", "/a", "/"])
        #expect(CoreCount.selfAndAncestors("/") == ["/"])
    }

    @Test("the usable count is at least one and never above the online CPUs")
    func usable() {
        let online = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let usable = CoreCount.usable()
        #expect(usable >= 1)
        #expect(usable <= max(1, online))
    }
}
