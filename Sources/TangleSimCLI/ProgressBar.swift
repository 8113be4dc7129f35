import Foundation

/// A progress bar with an ETA on standard error, shown only when standard error is a terminal
/// and only once the run has taken more than a second.
final class ProgressBar {
    private let label: String
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var shown = false

    /// A bar for a run called `label`, or nil when standard error is not a terminal.
    init?(label: String) {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        self.label = label
    }

    /// Redraws the bar at `fraction` (0...1) done, at most ten times a second.
    func update(_ fraction: Double) {
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        guard elapsed > 1, now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        shown = true
        let done = Swift.max(0, Swift.min(1, fraction))
        let width = 30
        let filled = Int(done * Double(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let remaining = done > 0 ? elapsed * (1 - done) / done : .nan
        let eta = remaining.isFinite ? Self.duration(remaining) : "--"
        FileHandle.standardError.write(
            Data("\r\(label) [\(bar)] \(String(format: "%3.0f", done * 100))% ETA \(eta)  ".utf8))
    }

    /// Clears the bar's line if it was drawn.
    func finish() {
        guard shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
    }

    private static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 60 ? "\(total / 60)m\(String(format: "%02d", total % 60))s" : "\(total)s"
    }
}
