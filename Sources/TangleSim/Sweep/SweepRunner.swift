import Foundation

/// Runs the runs of a sweep on worker threads (a ``WorkerPool``).
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
        let clock = ContinuousClock()
        try WorkerPool.forEach(runs, jobs: jobs) { run in
            guard try claim(run) else { return }
            var result: RunResult?
            let elapsed = clock.measure { result = sweep.simulate(run: run) }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            try completion(Completion(run: run, result: result!, seconds: seconds))
        }
    }
}
