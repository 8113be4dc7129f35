import Foundation

extension SweepRunner {
    /// Who ran the runs a process was asked to record.
    public struct Tally: Sendable, Equatable {
        /// Runs simulated and recorded by this process.
        public var ranHere = 0
        /// Runs another process sharing the folder ran (or was running, and recorded) meanwhile.
        public var ranElsewhere = 0
    }

    /// Runs `runs` of `sweep` on `jobs` threads and records each in `folder` as it ends, so
    /// that several processes sharing the folder never run a run twice.
    ///
    /// Each run is locked (``SweepRunLocks``) while it runs. A run locked by another process
    /// is skipped; one whose record appeared after the caller listed the folder is not run
    /// again. Then this process waits for the runs another process held (a blocking lock,
    /// released at once: no lock is held while waiting, so processes never wait for each
    /// other in a circle) and tries again those left unrecorded (their process was killed),
    /// until every run of `runs` is recorded.
    ///
    /// - Parameters:
    ///   - waiting: called with the number of runs before each wait for other processes.
    ///   - finished: called after each run recorded here, on the worker's thread.
    /// - Throws: the first error recording a run or taking a lock (``SweepError``).
    public static func runAndRecord(
        _ sweep: Sweep, runs: [Int], jobs: Int, into folder: SweepFolder, waiting: (Int) -> Void = { _ in },
        finished: @escaping @Sendable (Completion) -> Void = { _ in }
    ) throws -> Tally {
        let locks = try SweepRunLocks(folder: folder)
        let shared = _Tally()
        var pending = runs
        while !pending.isEmpty {
            try run(
                sweep, runs: pending, jobs: jobs,
                claim: { run in
                    guard try locks.tryLock(run: run) else {
                        shared.update { $0.held.append(run) }
                        return false
                    }
                    if folder.isRecorded(run: run) {
                        locks.unlock(run: run)
                        shared.update { $0.tally.ranElsewhere += 1 }
                        return false
                    }
                    return true
                },
                completion: { completion in
                    defer { locks.unlock(run: completion.run) }
                    try folder.record(SweepRecord(sweep: sweep, run: completion.run, summary: completion.result.summary))
                    shared.update { $0.tally.ranHere += 1 }
                    finished(completion)
                })
            let held = shared.update { state in
                defer { state.held = [] }
                return state.held.sorted()
            }
            guard !held.isEmpty else { break }
            waiting(held.count)
            pending = []
            for run in held {
                try locks.lock(run: run)
                locks.unlock(run: run)
                if folder.isRecorded(run: run) {
                    shared.update { $0.tally.ranElsewhere += 1 }
                } else {
                    pending.append(run)
                }
            }
        }
        return shared.update { $0.tally }
    }
}

/// The tally and the runs held by another process, behind a lock.
private final class _Tally: @unchecked Sendable {
    private let _lock = NSLock()
    private var _state: (tally: SweepRunner.Tally, held: [Int]) = (SweepRunner.Tally(), [])

    func update<T>(_ body: (inout (tally: SweepRunner.Tally, held: [Int])) -> T) -> T {
        _lock.withLock { body(&_state) }
    }
}
