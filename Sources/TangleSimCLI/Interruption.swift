import Dispatch
import Foundation
import TangleSim

/// What TangleSim does when it is interrupted: on SIGINT (Ctrl-C) or SIGTERM (`kill`, a
/// Slurm time limit) it kills the running external tool, removes this process's temporary
/// files (``TemporaryFiles``), says so on standard error and exits with 128 + the signal's
/// number: 130 or 143. Results already committed (a sweep's recorded runs) stay.
///
/// The signals are blocked in every thread (the mask is set before any other thread starts,
/// and threads inherit it) and read by a dispatch source on a background queue: the main
/// thread and the sweep workers are busy simulating and never see them. SIGXFSZ is ignored,
/// so that a write beyond the file-size limit (`ulimit -f`) fails with `EFBIG` and is
/// reported and cleaned up like a full disk, instead of killing the process.
enum Interruption {
    nonisolated(unsafe) private static var _sources: [any DispatchSourceSignal] = []

    /// Installs the handlers. Call first thing in `main`, before any thread starts.
    static func install() {
        signal(SIGXFSZ, SIG_IGN)
        var signals = sigset_t()
        sigemptyset(&signals)
        for number in [SIGINT, SIGTERM] { sigaddset(&signals, number) }
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        let queue = DispatchQueue(label: "tanglesim.interruption")
        for number in [SIGINT, SIGTERM] {
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { interrupted(by: number) }
            source.resume()
            _sources.append(source)
        }
    }

    /// Cleans up after `signal` and exits with status 128 + `signal`.
    private static func interrupted(by signal: Int32) -> Never {
        ExternalTool.killRunning()
        TemporaryFiles.removeAll()
        let name = ExternalTool.signalName(signal) ?? "signal \(signal)"
        // On a terminal, clear a progress bar's line first.
        let clear = isatty(STDERR_FILENO) == 1 ? "\r\u{1B}[2K" : ""
        FileHandle.standardError.write(Data("\(clear)error: interrupted by \(name); temporary files removed\n".utf8))
        _exit(128 + signal)
    }
}
