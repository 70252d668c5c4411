import CLinux
import Glibc

/// The server's memory as the kernel and malloc see it, for `/metrics`.
///
/// RSS alone cannot tell a leak from fragmentation or from file pages: a long soak needs
/// the anonymous part (the heap) apart from the file-backed part (mapped files), and
/// malloc's bytes in use apart from the free bytes it holds (what `malloc_trim` returns).
struct ProcessMemory: Equatable {
    var residentBytes = 0
    var residentAnonymousBytes = 0
    var residentFileBytes = 0
    /// Bytes malloc has handed out and not had back (all arenas, mmapped chunks included).
    var heapInUseBytes = 0
    /// Free bytes malloc holds in its arenas.
    var heapFreeBytes = 0

    /// Reads `/proc/self/status` and `mallinfo2()` now. Fields it cannot read stay 0.
    static func sample() -> ProcessMemory {
        var memory = ProcessMemory()
        if let status = readStatus() { memory.readFields(of: status) }
        let heap = mallinfo2()
        memory.heapInUseBytes = Int(heap.uordblks) + Int(heap.hblkhd)
        memory.heapFreeBytes = Int(heap.fordblks)
        return memory
    }

    /// Takes `VmRSS`, `RssAnon` and `RssFile` (in kB) from the text of `/proc/<pid>/status`.
    mutating func readFields(of status: String) {
        for line in status.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon]
            let kilobytes = line[line.index(after: colon)...].split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) }
            guard let kilobytes else { continue }
            switch name {
            case "VmRSS": residentBytes = kilobytes * 1024
            case "RssAnon": residentAnonymousBytes = kilobytes * 1024
            case "RssFile": residentFileBytes = kilobytes * 1024
            default: continue
            }
        }
    }

    /// The Prometheus exposition of these gauges.
    var exposition: String {
        let gauges: [(String, String, Int)] = [
            ("process_resident_memory_bytes", "Resident memory size in bytes.", residentBytes),
            ("flowcoach_resident_anonymous_bytes", "Resident anonymous memory (heap, stacks).", residentAnonymousBytes),
            ("flowcoach_resident_file_bytes", "Resident file-backed memory (binary, libraries, mapped files).", residentFileBytes),
            ("flowcoach_heap_in_use_bytes", "Bytes malloc has handed out.", heapInUseBytes),
            ("flowcoach_heap_free_bytes", "Free bytes malloc holds in its arenas.", heapFreeBytes),
        ]
        var text = ""
        for (name, help, value) in gauges { MetricsText.appendSeries(name, help: help, type: "gauge", value: value, to: &text) }
        return text
    }

    /// `/proc/self/status` is about 1.5 KB; 8 KB is ample.
    private static func readStatus() -> String? {
        KernelFile.read("/proc/self/status", capacity: 8192)
    }
}
