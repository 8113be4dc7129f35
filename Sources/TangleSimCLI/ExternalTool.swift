import Foundation
import TangleSim

/// Programs TangleSim runs but does not ship (gnuplot, Graphviz's dot): found on `PATH`, run
/// as subprocesses with a time limit.
///
/// A tool starts with no signal blocked and every signal at its default action (TangleSim
/// itself blocks SIGINT and SIGTERM, see ``Interruption``, and ignores SIGXFSZ), standard input
/// and output on `/dev/null`, standard error captured. At most one tool runs at a time; an
/// interruption kills it (``killRunning()``).
enum ExternalTool {
    /// How a tool ended.
    enum Ending: Equatable {
        /// It exited with this status.
        case exited(Int32)
        /// A signal killed it.
        case killed(signal: Int32)
        /// It was still running after the time limit (seconds) and was killed.
        case timedOut(seconds: Double)
    }

    /// The path of the executable `name` in the first `PATH` folder holding one, or nil.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for folder in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = folder + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private static let _lock = NSLock()
    nonisolated(unsafe) private static var _running: pid_t?

    /// Runs `executable` with `arguments` in `directory` and waits for it, at most `timeout`
    /// seconds (then kills it with SIGKILL).
    ///
    /// - Returns: how it ended and what it wrote on standard error.
    /// - Throws: an ``OutputError`` when it cannot be started.
    static func run(_ executable: String, _ arguments: [String], in directory: String, timeout: Double) throws -> (
        ending: Ending, stderr: String
    ) {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { throw _cannotStart(executable, errno) }
        defer { close(ends[0]) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let pid: pid_t
        do {
            defer { close(ends[1]) }
            pid = try _spawn(executable, arguments, in: directory, stderr: ends[1])
        }
        defer { _lock.withLock { _running = nil } }

        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(Int64(timeout * 1000))
        var errors: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var status: Int32 = 0
        var exited = false
        var endOfOutput = false
        while true {
            if !exited && waitpid(pid, &status, WNOHANG) == pid { exited = true }
            if exited && endOfOutput { break }
            let remaining = deadline - clock.now
            if remaining <= .zero {
                kill(pid, SIGKILL)
                if !exited { while waitpid(pid, &status, 0) < 0 && errno == EINTR {} }
                return (.timedOut(seconds: timeout), String(decoding: errors, as: UTF8.self))
            }
            // Wait for output (or its end, when the tool exits) at most 100 ms at a time.
            var request = pollfd(fd: ends[0], events: Int16(POLLIN), revents: 0)
            let milliseconds = Double(remaining.components.seconds) * 1000 + Double(remaining.components.attoseconds) / 1e15
            let wait = exited ? 0 : Int32(min(100, max(1, milliseconds.rounded(.up))))
            if endOfOutput {
                usleep(10_000)
            } else if poll(&request, 1, wait) > 0 {
                let count = read(ends[0], &buffer, buffer.count)
                if count > 0 { errors += buffer[0..<count] } else if count == 0 || errno != EINTR { endOfOutput = true }
            } else if exited {
                // The tool exited and nothing is left to read now (a child of its own may
                // still hold the pipe): stop here.
                break
            }
        }
        let text = String(decoding: errors, as: UTF8.self)
        if status & 0x7f == 0 { return (.exited((status >> 8) & 0xff), text) }
        return (.killed(signal: status & 0x7f), text)
    }

    /// Kills the running tool, if any, with SIGKILL, and keeps any other from starting: call
    /// it only right before the process exits.
    static func killRunning() {
        _lock.lock()
        if let pid = _running { kill(pid, SIGKILL) }
    }

    /// Starts the tool with `posix_spawn`, registered as the running tool.
    private static func _spawn(_ executable: String, _ arguments: [String], in directory: String, stderr: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        // <spawn.h>'s posix_spawn_file_actions_addchdir_np (glibc 2.29) is a GNU extension
        // that Swift's Glibc module does not import: look it up by name.
        typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else {
            throw OutputError("cannot start \(executable): this C library has no posix_spawn_file_actions_addchdir_np (glibc 2.29 or later)")
        }
        _ = unsafeBitCast(symbol, to: AddChdir.self)(&actions, directory)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var all = sigset_t()
        sigfillset(&all)
        sigdelset(&all, SIGKILL)
        sigdelset(&all, SIGSTOP)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = _lock.withLock {
            let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
            if result == 0 { _running = pid }
            return result
        }
        guard result == 0 else { throw _cannotStart(executable, result) }
        return pid
    }

    private static func _cannotStart(_ executable: String, _ code: Int32) -> OutputError {
        OutputError("cannot start \(executable): \(String(cString: strerror(code)))")
    }

    /// Whether `path` is a non-empty file.
    static func isNonEmptyFile(_ path: String) -> Bool {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int ?? 0) > 0
    }

    /// What went wrong, for a message: `exit status 1`, `killed by signal 15 (SIGTERM)`, or
    /// `still running after 120 s (--timeout), so killed`.
    static func describe(_ ending: Ending) -> String {
        switch ending {
        case .exited(let status): "exit status \(status)"
        case .killed(let signal): "killed by signal \(signal)" + (signalName(signal).map { " (\($0))" } ?? "")
        case .timedOut(let seconds): "still running after \(String(format: "%g", seconds)) s (--timeout), so killed"
        }
    }

    /// The name of a common signal, like `SIGTERM`, or nil.
    static func signalName(_ signal: Int32) -> String? {
        let names: [Int32: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL", SIGABRT: "SIGABRT",
            SIGBUS: "SIGBUS", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV", SIGPIPE: "SIGPIPE",
            SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGXCPU: "SIGXCPU", SIGXFSZ: "SIGXFSZ",
        ]
        return names[signal]
    }
}
