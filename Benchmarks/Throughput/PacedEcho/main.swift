import Glibc
import LoopKit

// A paced WebSocket echo client: C connections, each sending one text message every
// 1/RATE s (the sends of all connections spread evenly over the period), at most PIPELINE
// unanswered per connection. It measures what an unsaturated server pays per message at a
// given concurrency and rate: the shape of the coaching workload's `peak` and `steady`
// profiles, which wsload (always as fast as answers return) cannot produce. Loopback only;
// `--threads N` splits the connections over N loop threads (as the soak client's two);
// numbers about the server come from /proc/PID/stat, as wsload's -P.
//
//     PacedEcho --port 9001 --path / -c 1000 --rate 100 --size 64 --threads 2 --warmup 2 --duration 8 --server-pid PID
//
// Prints one JSON line: messages and rate in the measured window, sends skipped because the
// previous answer was still out ("late"), round-trip percentiles, and the server's CPU.

struct Options {
    var port: UInt16 = 9001
    var path = "/"
    var connections = 100
    var ratePerConnection = 100.0
    var size = 64
    var pipeline = 1
    var threads = 1
    var warmupS = 2.0
    var durationS = 8.0
    var serverPid: Int32 = 0

    static func parse(_ arguments: [String]) -> Options {
        var options = Options()
        var index = 1
        func value() -> String {
            guard index + 1 < arguments.count else { fail("\(arguments[index]) needs a value") }
            index += 1
            return arguments[index]
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--port": options.port = UInt16(value()) ?? 0
            case "--path": options.path = value()
            case "-c", "--connections": options.connections = Int(value()) ?? 0
            case "--rate": options.ratePerConnection = Double(value()) ?? 0
            case "--size": options.size = Int(value()) ?? -1
            case "--pipeline": options.pipeline = Int(value()) ?? 0
            case "--threads": options.threads = Int(value()) ?? 0
            case "--warmup": options.warmupS = Double(value()) ?? -1
            case "--duration": options.durationS = Double(value()) ?? 0
            case "--server-pid": options.serverPid = Int32(value()) ?? 0
            case "-h", "--help":
                print("usage: PacedEcho --port P [--path /] [-c N] [--rate MSG_PER_S_PER_CONNECTION] [--size BYTES]"
                    + " [--pipeline N] [--threads N] [--warmup S] [--duration S] [--server-pid PID]")
                exit(0)
            default: fail("unknown argument \(arguments[index])")
            }
            index += 1
        }
        guard options.port > 0, options.connections > 0, options.ratePerConnection > 0, (0..<65_536).contains(options.size),
            options.pipeline > 0, (1...options.connections).contains(options.threads), options.warmupS >= 0, options.durationS > 0
        else { fail("invalid arguments (see --help)") }
        return options
    }
}

func fail(_ message: String) -> Never {
    let line = Array("PacedEcho: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    exit(2)
}

/// A masked text frame of `size` bytes ('a'), the same bytes every time.
func clientFrame(size: Int) -> [UInt8] {
    let mask: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
    var frame: [UInt8] = [0x81]
    if size < 126 {
        frame.append(0x80 | UInt8(size))
    } else {
        frame += [0x80 | 126, UInt8(size >> 8), UInt8(size & 0xFF)]
    }
    frame += mask
    for i in 0..<size { frame.append(UInt8(ascii: "a") ^ mask[i & 3]) }
    return frame
}

/// A blocking connect and opening handshake; the socket is then made non-blocking.
func open(port: UInt16, path: String) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { fail("socket: errno \(errno)") }
    SystemCall.setOption(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = (UInt32(127) << 24 | 1).bigEndian
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { fail("connect: errno \(errno)") }
    let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    let sent = Array(request.utf8).withUnsafeBytes { SystemCall.send(fd, $0) }
    guard sent == .transferred(request.utf8.count) else { fail("handshake request not sent") }
    var head: [UInt8] = []
    var byte: UInt8 = 0
    while !(head.count >= 4 && head.suffix(4).elementsEqual([13, 10, 13, 10])) {
        // One byte at a time: the response is the only thing the server sends before an
        // echo, and reading past its end would take bytes of nothing.
        guard recv(fd, &byte, 1, 0) == 1 else { fail("handshake: connection closed") }
        head.append(byte)
        guard head.count < 4096 else { fail("handshake: response too long") }
    }
    guard String(decoding: head.prefix(12), as: UTF8.self) == "HTTP/1.1 101" else {
        fail("handshake refused: \(String(decoding: head.prefix(80), as: UTF8.self))")
    }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    return fd
}

/// The server's CPU time so far (user + system, in clock ticks), or 0 without a pid.
func serverTicks(_ pid: Int32) -> Int {
    guard pid > 0 else { return 0 }
    let fd = Glibc.open("/proc/\(pid)/stat", O_RDONLY)
    guard fd >= 0 else { return 0 }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 1024)
    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    guard n > 0 else { return 0 }
    let line = String(decoding: buffer[0..<n], as: UTF8.self)
    // Fields after the command name (which may hold spaces) start after the last ')'.
    guard let close = line.lastIndex(of: ")") else { return 0 }
    let fields = line[line.index(after: close)...].split(separator: " ")
    // utime and stime are fields 14 and 15 of the whole line: 12th and 13th after ')'.
    guard fields.count > 13, let user = Int(fields[11]), let system = Int(fields[12]) else { return 0 }
    return user + system
}

func ownCPUNs() -> UInt64 {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let user = UInt64(usage.ru_utime.tv_sec) * 1_000_000_000 + UInt64(usage.ru_utime.tv_usec) * 1_000
    let system = UInt64(usage.ru_stime.tv_sec) * 1_000_000_000 + UInt64(usage.ru_stime.tv_usec) * 1_000
    return user + system
}

/// One loop thread's share of the connections, their pacing, and what it measured.
/// `@unchecked Sendable`: built on the main thread, then used only by its own loop thread
/// until `join` returns, after which the main thread reads its results.
final class PacedEcho: @unchecked Sendable {
    let options: Options
    /// This loop's place among the loops: its sends are offset by that share of a step.
    let loop: Int
    let frame: [UInt8]
    let count: Int
    let epoll: Epoll
    var fds: [Int32] = []
    var outstanding: [Int]
    /// Send times of the unanswered messages, `pipeline` slots per connection, oldest first.
    var sentAtNs: [UInt64]
    var pending: [[UInt8]]
    var scratch = [UInt8](repeating: 0, count: 256 << 10)
    var answered = 0
    var late = 0
    var latenciesNs: [UInt32] = []
    var measuring = false

    init(_ options: Options, loop: Int, connections: Int) {
        self.options = options
        self.loop = loop
        frame = clientFrame(size: options.size)
        count = connections
        do { epoll = try Epoll() } catch { fail("epoll: \(error)") }
        outstanding = [Int](repeating: 0, count: count)
        sentAtNs = [UInt64](repeating: 0, count: count * options.pipeline)
        pending = [[UInt8]](repeating: [], count: count)
        latenciesNs.reserveCapacity(Int(Double(count) * options.ratePerConnection * options.durationS * 1.1))
        for index in 0..<count {
            let fd = open(port: options.port, path: options.path)
            do { try epoll.register(fd, token: UInt64(index), interest: .read) } catch { fail("epoll_ctl: \(error)") }
            fds.append(fd)
        }
    }

    /// Takes whole frames off a connection's input; returns whether it is still usable.
    func consumeFrames(_ index: Int, now: UInt64) -> Bool {
        let input = pending[index]
        var offset = 0
        while input.count - offset >= 2 {
            let length7 = Int(input[offset + 1] & 0x7F)
            let header = length7 < 126 ? 2 : (length7 == 126 ? 4 : 10)
            guard input.count - offset >= header else { break }
            var length = length7
            if length7 == 126 {
                length = Int(input[offset + 2]) << 8 | Int(input[offset + 3])
            } else if length7 == 127 {
                let wide = (0..<8).reduce(UInt64(0)) { $0 << 8 | UInt64(input[offset + 2 + $1]) }
                // An echo of at most 64 KiB was asked for: anything longer is not an answer.
                guard wide <= 1 << 20 else { return false }
                length = Int(wide)
            }
            guard input.count - offset >= header + length else { break }
            switch input[offset] & 0x0F {
            case 1, 2:
                guard outstanding[index] > 0 else { return false }  // an answer to nothing
                let slot = index * options.pipeline
                let latency = now &- sentAtNs[slot]
                for step in 0..<(options.pipeline - 1) { sentAtNs[slot + step] = sentAtNs[slot + step + 1] }
                outstanding[index] -= 1
                if measuring {
                    answered += 1
                    latenciesNs.append(UInt32(clamping: latency))
                }
            case 8: return false  // the server closed
            default: break  // a ping or pong: nothing to answer in a run this short
            }
            offset += header + length
        }
        pending[index] = offset == 0 ? input : Array(input[offset...])
        return true
    }

    func readAll(_ index: Int, now: UInt64) {
        while true {
            let result = scratch.withUnsafeMutableBytes { SystemCall.receive(fds[index], into: $0) }
            switch result {
            case .transferred(let n) where n > 0:
                pending[index].append(contentsOf: scratch[0..<n])
            case .wouldBlock:
                if !consumeFrames(index, now: now) { fail("connection \(index): unexpected frame or close") }
                return
            default:
                fail("connection \(index) closed by the server")
            }
        }
    }

    /// Sends and reads until `measureToNs`, counting answers from `measureFromNs` on.
    func run(startNs: UInt64, measureFromNs: UInt64, measureToNs: UInt64) {
        let stepNs = UInt64(1e9 / (options.ratePerConnection * Double(count)))
        let startNs = startNs + stepNs * UInt64(loop) / UInt64(options.threads)
        var sendIndex: UInt64 = 0
        while true {
            let now = MonotonicClock.nowNs()
            if !measuring && now >= measureFromNs { measuring = true }
            if now >= measureToNs { break }
            // Every send due by now, in turn over the connections.
            while startNs + sendIndex * stepNs <= now {
                let index = Int(sendIndex % UInt64(count))
                sendIndex += 1
                guard outstanding[index] < options.pipeline else {
                    if measuring { late += 1 }
                    continue
                }
                let result = frame.withUnsafeBytes { SystemCall.send(fds[index], $0) }
                guard result == .transferred(frame.count) else { fail("connection \(index): send \(result)") }
                sentAtNs[index * options.pipeline + outstanding[index]] = now
                outstanding[index] += 1
            }
            let nextNs = startNs + sendIndex * stepNs
            let waitMs = Int32(clamping: (Int64(bitPattern: nextNs &- MonotonicClock.nowNs()) + 999_999) / 1_000_000)
            epoll.wait(timeoutMs: max(0, waitMs)) { token, _ in
                readAll(Int(token), now: MonotonicClock.nowNs())
            }
        }
    }
}

/// Runs the loops, samples the server's and this process's CPU over the measured window,
/// and prints the report.
func measure(_ options: Options) {
    let loops = (0..<options.threads).map { loop in
        PacedEcho(options, loop: loop, connections: options.connections / options.threads
            + (loop < options.connections % options.threads ? 1 : 0))
    }
    let startNs = MonotonicClock.nowNs()
    let measureFromNs = startNs + UInt64(options.warmupS * 1e9)
    let measureToNs = measureFromNs + UInt64(options.durationS * 1e9)
    var threads: [LoopThread] = []
    for loop in loops {
        do {
            threads.append(try LoopThread(name: "paced-echo") {
                loop.run(startNs: startNs, measureFromNs: measureFromNs, measureToNs: measureToNs)
            })
        } catch { fail("thread: \(error)") }
    }
    sleepUntil(measureFromNs)
    let ticksAtStart = serverTicks(options.serverPid), ownAtStart = ownCPUNs()
    sleepUntil(measureToNs)
    let ticksAtEnd = serverTicks(options.serverPid), ownAtEnd = ownCPUNs()
    for thread in threads { thread.join() }
    var latenciesNs = loops.flatMap(\.latenciesNs)
    let answered = loops.reduce(0) { $0 + $1.answered }
    let late = loops.reduce(0) { $0 + $1.late }
    let seconds = Double(measureToNs - measureFromNs) / 1e9
    let ownNs = ownAtEnd - ownAtStart
    let count = options.connections
    do {
        let serverCPUs = Double(ticksAtEnd - ticksAtStart) / Double(sysconf(Int32(_SC_CLK_TCK)))
        latenciesNs.sort()
        func percentileUs(_ p: Double) -> Double {
            guard !latenciesNs.isEmpty else { return 0 }
            return Double(latenciesNs[min(latenciesNs.count - 1, Int(p * Double(latenciesNs.count)))]) / 1_000
        }
        func fixed(_ value: Double, _ digits: Int) -> String {
            var scale = 1.0
            for _ in 0..<digits { scale *= 10 }
            return "\((value * scale).rounded() / scale)"
        }
        let rate = Double(answered) / seconds
        print(
            "{\"tool\":\"PacedEcho\",\"port\":\(options.port),\"path\":\"\(options.path)\",\"conns\":\(count),"
                + "\"rate_per_conn\":\(options.ratePerConnection),\"pipeline\":\(options.pipeline),\"size\":\(options.size),"
                + "\"duration_s\":\(seconds),\"messages\":\(answered),\"msgs_per_s\":\(fixed(rate, 1)),\"late\":\(late),"
                + "\"lat_us\":{\"p50\":\(fixed(percentileUs(0.5), 1)),\"p99\":\(fixed(percentileUs(0.99), 1)),"
                + "\"p999\":\(fixed(percentileUs(0.999), 1))},"
                + "\"client_cpu_pct\":\(fixed(Double(ownNs) / 1e9 / seconds * 100, 1)),"
                + "\"server\":{\"pid\":\(options.serverPid),\"cpu_pct\":\(fixed(serverCPUs / seconds * 100, 1)),"
                + "\"us_per_msg\":\(fixed(answered > 0 ? serverCPUs / Double(answered) * 1e6 : 0, 2))},"
                + "\"threads\":\(options.threads)}")
    }
}

func sleepUntil(_ ns: UInt64) {
    let now = MonotonicClock.nowNs()
    guard ns > now else { return }
    var interval = timespec(tv_sec: Int((ns - now) / 1_000_000_000), tv_nsec: Int((ns - now) % 1_000_000_000))
    var left = timespec()
    while nanosleep(&interval, &left) != 0 && errno == EINTR { interval = left }
}

measure(Options.parse(CommandLine.arguments))
