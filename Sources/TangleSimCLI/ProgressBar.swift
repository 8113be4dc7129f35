import Foundation

/// Progress on standard error: a bar with an ETA on a terminal, redrawn at most ten times a
/// second; off a terminal, nothing for a run, one line per finished run for a sweep.
/// Thread-safe: a sweep's workers report concurrently.
final class ProgressBar: @unchecked Sendable {
    private let _label: String
    private let _terminal: Bool
    /// For a sweep: the runs in all, and those recorded before this invocation.
    private let _total: Int?
    private let _start = Date()
    private let _lock = NSLock()
    private var _lastDraw = Date.distantPast
    private var _shown = false
    /// For a sweep: the runs done so far, and done by this invocation.
    private var _done: Int
    private var _doneNow = 0
    /// For a comparison: each run's fraction done, and their sum.
    private var _parts: [Double] = []
    private var _partsDone = 0.0

    /// A bar for one run called `label`, or for a comparison of `parts` runs, or nil when
    /// standard error is not a terminal. It appears only once the work has taken more than a
    /// second.
    init?(label: String, parts: Int = 1) {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        _label = label
        _terminal = true
        _total = nil
        _done = 0
        _parts = Array(repeating: 0, count: Swift.max(1, parts))
    }

    /// Run `part` of a comparison is `fraction` (0...1) done; the bar shows the runs'
    /// fractions summed over their number.
    func update(part: Int, fraction: Double) {
        let done = _lock.withLock { () -> Double in
            let clamped = Swift.max(0, Swift.min(1, fraction))
            _partsDone += clamped - _parts[part]
            _parts[part] = clamped
            return _partsDone / Double(_parts.count)
        }
        update(done)
    }

    /// Progress of a sweep of `total` runs, `alreadyDone` of them recorded before.
    init(label: String, total: Int, alreadyDone: Int) {
        _label = label
        _terminal = isatty(STDERR_FILENO) == 1
        _total = total
        _done = alreadyDone
    }

    /// A run is `fraction` (0...1) done.
    func update(_ fraction: Double) {
        _lock.withLock {
            let elapsed = Date().timeIntervalSince(_start)
            guard elapsed > 1 else { return }
            let done = Swift.max(0, Swift.min(1, fraction))
            _draw(fraction: done, detail: String(format: "%3.0f%%", done * 100), remaining: done > 0 ? elapsed * (1 - done) / done : .nan)
        }
    }

    /// Run `run` of a sweep (point, replication) finished after `seconds` of simulation.
    func finished(run: Int, point: Int, replication: Int, seconds: Double) {
        _lock.withLock {
            let total = _total ?? 0
            _done += 1
            _doneNow += 1
            if _terminal {
                let elapsed = Date().timeIntervalSince(_start)
                _draw(
                    fraction: total > 0 ? Double(_done) / Double(total) : 1, detail: "\(_done)/\(total) runs",
                    remaining: elapsed / Double(_doneNow) * Double(total - _done), force: _done == total)
            } else {
                let line = "\(_label): run \(run) (point \(point), replication \(replication)) done in "
                    + String(format: "%.2f", seconds) + " s [\(_done)/\(total)]\n"
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
    }

    /// Clears the bar's line if it was drawn.
    func finish() {
        _lock.withLock {
            if _shown { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        }
    }

    /// Draws the bar (called with the lock held).
    private func _draw(fraction: Double, detail: String, remaining: Double, force: Bool = false) {
        let now = Date()
        guard _terminal, force || now.timeIntervalSince(_lastDraw) >= 0.1 else { return }
        _lastDraw = now
        _shown = true
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let eta = remaining.isFinite ? Self._duration(remaining) : "--"
        FileHandle.standardError.write(Data("\r\(_label) [\(bar)] \(detail) ETA \(eta)  ".utf8))
    }

    private static func _duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total >= 3600 { return "\(total / 3600)h\(String(format: "%02d", total % 3600 / 60))m" }
        return total >= 60 ? "\(total / 60)m\(String(format: "%02d", total % 60))s" : "\(total)s"
    }
}
