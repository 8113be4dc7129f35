import Foundation

/// Locks on the runs of a sweep folder, so that processes sharing the folder (two sweeps
/// started into one `--out`, or shards on a cluster's shared file system) never run the same
/// run twice.
///
/// One lock file, `runs/locks` (visible: hidden files in an output folder are temporaries);
/// run N is byte N of it, locked with an open-file-description lock (`fcntl`
/// `F_OFD_SETLK`, Linux 3.15+): a lock belongs to this object's descriptor, not
/// to the process, so worker threads lock different runs independently, and the kernel
/// releases every lock when the process ends, however it ends. The file itself holds no data
/// and is never removed (removing a lock file races with its next user).
///
/// On a file system without locks (`ENOSYS`, `ENOLCK`, `EOPNOTSUPP`, `EINVAL`: say Lustre
/// mounted without `flock`) every lock succeeds unlocked: sweeps then work as they did before
/// locks, and only two processes running the same runs at once would both run them.
public final class SweepRunLocks: @unchecked Sendable {
    private let _descriptor: Int32
    private let _unsupported = _Flag()

    /// The name of the lock file in `runs/`.
    public static let fileName = "locks"

    /// Opens (creating it if needed) the lock file of `folder`.
    ///
    /// - Throws: ``SweepError`` when the file cannot be opened.
    public init(folder: SweepFolder) throws {
        let path = folder.runsPath + "/" + Self.fileName
        _descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard _descriptor >= 0 else {
            throw SweepError("cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(_descriptor) }

    /// Locks run `run` if no other process holds it.
    ///
    /// - Returns: false when another process holds it.
    public func tryLock(run: Int) throws -> Bool {
        try _lock(run: run, type: F_WRLCK, wait: false)
    }

    /// Locks run `run`, waiting until the process that holds it releases it (or ends).
    public func lock(run: Int) throws {
        _ = try _lock(run: run, type: F_WRLCK, wait: true)
    }

    /// Releases run `run`.
    public func unlock(run: Int) {
        _ = try? _lock(run: run, type: F_UNLCK, wait: false)
    }

    // From <fcntl.h> (Linux, every architecture); not imported by Swift's Glibc module.
    private static let _setLock: Int32 = 37  // F_OFD_SETLK
    private static let _setLockWait: Int32 = 38  // F_OFD_SETLKW

    private func _lock(run: Int, type: Int32, wait: Bool) throws -> Bool {
        if _unsupported.isSet { return true }
        var request = flock()
        request.l_type = Int16(type)
        request.l_whence = Int16(SEEK_SET)
        request.l_start = off_t(run)
        request.l_len = 1
        request.l_pid = 0
        while true {
            if fcntl(_descriptor, wait ? Self._setLockWait : Self._setLock, &request) == 0 { return true }
            let failure = errno
            if failure == EINTR { continue }
            if !wait && (failure == EAGAIN || failure == EACCES) { return false }
            if [ENOSYS, ENOLCK, EOPNOTSUPP, EINVAL].contains(failure) {
                _unsupported.set()
                return true
            }
            throw SweepError("cannot lock run \(run) of the sweep: \(String(cString: strerror(failure)))")
        }
    }
}

/// A flag set once, read from any thread.
private final class _Flag: @unchecked Sendable {
    private let _lock = NSLock()
    private var _value = false

    var isSet: Bool { _lock.withLock { _value } }

    func set() { _lock.withLock { _value = true } }
}
