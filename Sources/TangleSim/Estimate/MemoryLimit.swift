#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A bound on the memory this process can use, and where it comes from.
///
/// Resident memory is bounded by the machine's physical memory and by the cgroup's
/// `memory.max` (cgroup v2: what a container or a Slurm allocation may use); address space by
/// `RLIMIT_AS` (`ulimit -v`) and, since Linux 4.7, `RLIMIT_DATA` (`ulimit -d`: the heap and
/// private mappings, which is where a run's arrays live).
public struct MemoryLimit: Sendable, Equatable {
    /// Where a limit comes from.
    public enum Source: Sendable, Equatable {
        /// The machine's physical memory (`sysconf(_SC_PHYS_PAGES)`).
        case physicalMemory
        /// A cgroup v2 `memory.max`, at this path.
        case cgroup(String)
        /// `RLIMIT_AS`, set with `ulimit -v`.
        case addressSpace
        /// `RLIMIT_DATA`, set with `ulimit -d`.
        case dataSegment
    }

    public var source: Source
    /// The limit, in bytes.
    public var bytes: Double

    public init(source: Source, bytes: Double) {
        self.source = source
        self.bytes = bytes
    }

    /// Whether the limit bounds resident memory (physical memory, cgroup) rather than
    /// address space (`ulimit -v`, `ulimit -d`).
    public var boundsResidentMemory: Bool {
        switch source {
        case .physicalMemory, .cgroup: true
        case .addressSpace, .dataSegment: false
        }
    }

    /// The end of a refusal: `this machine has 23.4 GiB of memory`, `this process may use
    /// 4.0 GiB of address space (ulimit -v)`.
    public var description: String {
        let amount = _EstimateText.bytes(bytes)
        switch source {
        case .physicalMemory: return "this machine has \(amount) of memory"
        case .cgroup(let path): return "this process's cgroup may use \(amount) (\(path))"
        case .addressSpace: return "this process may use \(amount) of address space (ulimit -v)"
        case .dataSegment: return "this process may use \(amount) of data (ulimit -d)"
        }
    }

    /// The limits in force for this process: physical memory always, the others when set.
    public static func current() -> [MemoryLimit] {
        var limits: [MemoryLimit] = []
        let pages = sysconf(Int32(_SC_PHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0, pageSize > 0 {
            limits.append(MemoryLimit(source: .physicalMemory, bytes: Double(pages) * Double(pageSize)))
        }
        if let cgroup = cgroupLimit() { limits.append(cgroup) }
        #if os(Linux)
        for (resource, source) in [(RLIMIT_AS, Source.addressSpace), (RLIMIT_DATA, .dataSegment)] {
            var limit = rlimit()
            if getrlimit(__rlimit_resource_t(resource.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max {
                limits.append(MemoryLimit(source: source, bytes: Double(limit.rlim_cur)))
            }
        }
        #endif
        return limits
    }

    /// The tightest cgroup v2 `memory.max` on the way from this process's cgroup (named in
    /// `/proc/self/cgroup` as `0::/path`) up to `/sys/fs/cgroup`; nil when none is set.
    static func cgroupLimit() -> MemoryLimit? {
        var path = ""
        if let text = _readSmallFile("/proc/self/cgroup"),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("0::") })
        {
            path = String(line.dropFirst(3))
        }
        var best: MemoryLimit?
        var components = path.split(separator: "/").map(String.init)
        while true {
            let file = "/sys/fs/cgroup" + components.map { "/" + $0 }.joined() + "/memory.max"
            if let text = _readSmallFile(file), let bytes = Double(text._trimmingSpaces()) {
                if best == nil || bytes < best!.bytes { best = MemoryLimit(source: .cgroup(file), bytes: bytes) }
            }
            guard !components.isEmpty else { break }
            components.removeLast()
        }
        return best
    }

    /// The first 4 KiB of a small system file, or nil when it cannot be read.
    static func _readSmallFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
}

extension String {
    /// The string without leading and trailing spaces and line breaks.
    fileprivate func _trimmingSpaces() -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\n" }
        return String(drop(while: blank).reversed().drop(while: blank).reversed())
    }
}
