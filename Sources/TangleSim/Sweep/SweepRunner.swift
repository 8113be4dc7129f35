import Foundation

/// Runs the runs of a sweep on worker threads.
///
/// Each worker takes the next run number from a shared list and simulates it; a run owns all
/// its state (random streams included), so workers share nothing but that list. Which worker
/// runs which run, and in which order runs finish, changes nothing in any run's result.
/// Memory: each worker holds one run at a time; a finished run's result is handed to
/// `completion` and dropped.
public enum SweepRunner {
    /// What a finished run hands back.
    public struct Completion: Sendable {
        /// The run number.
        public var run: Int
        /// The run's result (without tangle: sweep points never keep a transaction log).
        public var result: RunResult
        /// Wall-clock seconds the simulation took.
        public var seconds: Double
    }

    /// Runs `runs` of `sweep` on `jobs` threads, in the order given, and calls `completion`
    /// after each, on the worker's thread (concurrently with other workers: it must be
    /// thread-safe).
    ///
    /// Before a run starts, the worker asks `claim` (also concurrently): a run it declines
    /// (another process is running it) is skipped.
    ///
    /// When `claim` or `completion` throws, no further run starts; the runs under way finish
    /// and the first error is rethrown once every worker has stopped.
    ///
    /// - Precondition: `jobs >= 1`.
    public static func run(
        _ sweep: Sweep, runs: [Int], jobs: Int, claim: @escaping @Sendable (Int) throws -> Bool = { _ in true },
        completion: @escaping @Sendable (Completion) throws -> Void
    ) throws {
        precondition(jobs >= 1, "a sweep needs at least one worker")
        let state = _SharedState(runs: runs)
        let workers = min(jobs, runs.count)
        let finished = DispatchSemaphore(value: 0)
        for _ in 0..<workers {
            let thread = Thread {
                let clock = ContinuousClock()
                while let run = state.next() {
                    do {
                        guard try claim(run) else { continue }
                    } catch {
                        state.fail(error)
                        continue
                    }
                    var result: RunResult?
                    let elapsed = clock.measure { result = sweep.simulate(run: run) }
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
                    do {
                        try completion(Completion(run: run, result: result!, seconds: seconds))
                    } catch {
                        state.fail(error)
                    }
                }
                finished.signal()
            }
            thread.stackSize = 16 << 20
            thread.start()
        }
        for _ in 0..<workers { finished.wait() }
        if let error = state.error { throw error }
    }
}

/// The list of runs still to start and the first error, behind a lock.
private final class _SharedState: @unchecked Sendable {
    private let _lock = NSLock()
    private var _pending: ArraySlice<Int>
    private var _error: (any Error)?

    init(runs: [Int]) {
        _pending = runs[...]
    }

    /// The next run to start, or `nil` when none is left or a run failed.
    func next() -> Int? {
        _lock.withLock { _error == nil ? _pending.popFirst() : nil }
    }

    /// Records `error` if it is the first.
    func fail(_ error: any Error) {
        _lock.withLock { if _error == nil { _error = error } }
    }

    var error: (any Error)? { _lock.withLock { _error } }
}
