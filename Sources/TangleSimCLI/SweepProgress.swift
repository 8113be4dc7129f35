import Foundation
import TangleSim

/// Reports the progress of a sweep on standard error: a bar with an ETA on a terminal, one
/// line per finished run otherwise. Thread-safe: workers report concurrently.
final class SweepProgress: @unchecked Sendable {
    private let _label: String
    private let _total: Int
    private let _terminal: Bool
    private let _start = Date()
    private let _lock = NSLock()
    private var _done: Int
    private var _doneNow = 0
    private var _lastDraw = Date.distantPast
    private var _shown = false

    /// Progress of `total` runs of which `alreadyDone` were recorded before this invocation.
    init(label: String, total: Int, alreadyDone: Int) {
        _label = label
        _total = total
        _done = alreadyDone
        _terminal = isatty(STDERR_FILENO) == 1
    }

    /// Reports that run `run` (point, replication) finished after `seconds` of simulation.
    func finished(run: Int, point: Int, replication: Int, seconds: Double) {
        _lock.withLock {
            _done += 1
            _doneNow += 1
            if _terminal {
                _draw()
            } else {
                let line = "\(_label): run \(run) (point \(point), replication \(replication)) done in "
                    + String(format: "%.2f", seconds) + " s [\(_done)/\(_total)]\n"
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

    private func _draw() {
        let now = Date()
        guard now.timeIntervalSince(_lastDraw) >= 0.1 || _done == _total else { return }
        _lastDraw = now
        _shown = true
        let elapsed = now.timeIntervalSince(_start)
        let fraction = _total > 0 ? Double(_done) / Double(_total) : 1
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let remaining = elapsed / Double(_doneNow) * Double(_total - _done)
        let eta = remaining.isFinite ? Self._duration(remaining) : "--"
        FileHandle.standardError.write(Data("\r\(_label) [\(bar)] \(_done)/\(_total) runs ETA \(eta)  ".utf8))
    }

    private static func _duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total >= 3600 { return "\(total / 3600)h\(String(format: "%02d", total % 3600 / 60))m" }
        return total >= 60 ? "\(total / 60)m\(String(format: "%02d", total % 60))s" : "\(total)s"
    }
}
