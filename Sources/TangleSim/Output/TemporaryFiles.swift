import Foundation

/// The registry of this process's temporary files and folders: everything TangleSim writes
/// before it is complete (a run's files, a sweep's records, figures a tool is drawing).
///
/// A temporary is created through the registry and named `.BASE.HOST.PID.SERIAL.tmp`: hidden,
/// beside its final place, carrying the host name (dots replaced by `_`) and the process id of
/// its writer. It leaves the registry when it is renamed into place (inside ``committing(_:)``)
/// or removed. So that nothing half-written outlives the process:
///
/// - ``removeAll()`` removes every registered temporary: the CLI calls it when SIGINT or
///   SIGTERM arrives, then exits;
/// - ``removeStale(in:)`` removes, from one folder, the temporaries of processes of this host
///   that no longer run (killed with SIGKILL, or the machine stopped). Those of other hosts
///   are left alone: on a cluster's shared file system their writers may still be running.
///
/// Folders created for results that are not committed yet (``createFolders(_:)``) are
/// registered too, and removed by ``removeAll()`` when they are still empty.
///
/// Creation, commit and ``removeAll()`` hold one lock, so an interruption never removes a
/// temporary half-way through a commit, and no temporary is created after it.
public enum TemporaryFiles {
    private static let _lock = NSLock()
    nonisolated(unsafe) private static var _paths: Set<String> = []
    nonisolated(unsafe) private static var _newFolders: [String] = []
    nonisolated(unsafe) private static var _serial = 0

    /// This host's name as it appears in temporary names: dots and other characters outside
    /// `[A-Za-z0-9-]` replaced by `_`, so that a name splits unambiguously at its dots.
    public static let host: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        let name = gethostname(&buffer, buffer.count - 1) == 0
            ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
        let safe = name.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-": Character(scalar)
            default: "_"
            }
        }
        return safe.isEmpty ? "localhost" : String(safe)
    }()

    /// A fresh temporary path in `folder` for the final name `base`:
    /// `folder/.BASE.HOST.PID.SERIAL.tmp`, unique within this process.
    public static func path(in folder: String, for base: String) -> String {
        let serial = _lock.withLock {
            _serial += 1
            return _serial
        }
        return "\(folder)/.\(base).\(host).\(getpid()).\(serial).tmp"
    }

    /// The host and process id written into a temporary's file name, or nil when `name` is
    /// not a temporary of this form.
    public static func writer(ofTemporary name: String) -> (host: String, pid: pid_t)? {
        guard name.hasPrefix("."), name.hasSuffix(".tmp") else { return nil }
        let parts = name.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 5, parts[parts.count - 2].allSatisfy(\.isASCIIDigit),
            let pid = pid_t(parts[parts.count - 3]), pid > 0
        else { return nil }
        return (String(parts[parts.count - 4]), pid)
    }

    /// Creates the temporary file `path` (which must not exist) for writing, registered.
    ///
    /// - Returns: its open file descriptor, which the caller closes.
    /// - Throws: ``OutputError`` naming `finalPath` when it cannot be created.
    public static func createFile(_ path: String, finalPath: String) throws -> Int32 {
        try _lock.withLock {
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw OutputError.system("cannot create", finalPath) }
            _paths.insert(path)
            return descriptor
        }
    }

    /// Creates the temporary folder `path` (which must not exist), registered.
    ///
    /// - Throws: ``OutputError`` naming `finalFolder` when it cannot be created.
    public static func createFolder(_ path: String, in finalFolder: String) throws {
        try _lock.withLock {
            guard mkdir(path, 0o755) == 0 else { throw OutputError.system("cannot write in", finalFolder) }
            _paths.insert(path)
        }
    }

    /// Creates the folder `path` and its missing parents (`mkdir -p`), registering the ones
    /// it created until ``keep(_:)`` or ``removeIfEmpty(_:)``.
    ///
    /// - Returns: the folders created, outermost first.
    /// - Throws: ``OutputError`` naming the folder that cannot be created and why (a file in
    ///   the way, no permission, a read-only file system).
    public static func createFolders(_ path: String) throws -> [String] {
        guard !path.isEmpty else { throw OutputError("cannot create a folder with an empty path") }
        var created: [String] = []
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            if component == "." || component == ".." { continue }
            var status = stat()
            if stat(prefix, &status) == 0 {
                guard status.st_mode & S_IFMT == S_IFDIR else {
                    throw OutputError("cannot create the folder \(path): \(prefix) is a file, not a folder")
                }
                continue
            }
            try _lock.withLock {
                if mkdir(prefix, 0o777) == 0 {
                    created.append(prefix)
                    _newFolders.append(prefix)
                } else if errno != EEXIST {
                    throw OutputError.system("cannot create the folder", prefix)
                }
            }
        }
        return created
    }

    /// Keeps `folders` (from ``createFolders(_:)``): results were committed into them.
    public static func keep(_ folders: [String]) {
        _lock.withLock { _newFolders.removeAll { folders.contains($0) } }
    }

    /// Removes those of `folders` (from ``createFolders(_:)``) that are empty, innermost first.
    public static func removeIfEmpty(_ folders: [String]) {
        _lock.withLock {
            for folder in folders.reversed() { rmdir(folder) }
            _newFolders.removeAll { folders.contains($0) }
        }
    }

    /// Runs `body` (renames of temporaries into place) so that no interruption cleans up
    /// half-way through it; `body` calls ``forget(_:)`` for what it renamed.
    public static func committing<T>(_ body: () throws -> T) rethrows -> T {
        try _lock.withLock { try body() }
    }

    /// Forgets `path` (it was renamed into place). Call within ``committing(_:)``.
    public static func forget(_ path: String) {
        _paths.remove(path)
    }

    /// Removes the temporary `path` (a file, or a folder and everything in it) and forgets it
    /// and what was registered inside it.
    public static func remove(_ path: String) {
        _lock.withLock {
            _removeTree(path)
            _paths = _paths.filter { $0 != path && !$0.hasPrefix(path + "/") }
        }
    }

    /// Removes every registered temporary, and keeps the registry locked: call it only right
    /// before the process exits (after SIGINT or SIGTERM).
    ///
    /// - Returns: how many temporaries were removed.
    @discardableResult
    public static func removeAll() -> Int {
        _lock.lock()
        for path in _paths.sorted(by: { $0.count > $1.count }) { _removeTree(path) }
        for folder in _newFolders.reversed() { rmdir(folder) }
        return _paths.count
    }

    /// Removes from `folder` the temporaries written by processes of this host that no
    /// longer run (`kill(pid, 0)` fails with `ESRCH`, or the pid is this process's but the
    /// temporary is not in this process's registry); best effort.
    ///
    /// - Complexity: O(entries of `folder`).
    public static func removeStale(in folder: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        let me = getpid()
        _lock.withLock {
            for name in names {
                guard let writer = writer(ofTemporary: name), writer.host == host else { continue }
                let path = folder + "/" + name
                let dead = writer.pid == me ? !_paths.contains(path) : (kill(writer.pid, 0) != 0 && errno == ESRCH)
                if dead { _removeTree(path) }
            }
        }
    }

    /// Removes a file, or a folder with everything in it; ignores what is already gone. A
    /// folder is tried a few times, in case a killed tool's last file appeared meanwhile.
    private static func _removeTree(_ path: String) {
        if unlink(path) == 0 || errno == ENOENT { return }
        for _ in 0..<3 {
            try? FileManager.default.removeItem(atPath: path)
            if access(path, F_OK) != 0 { return }
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
