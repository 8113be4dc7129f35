/// What a command will cost in all: its runs (one, a comparison's variants, a sweep's points),
/// how many of them are alive at once, and the process's own memory.
///
/// - `run`, `draw`: one run, plus the process.
/// - `compare`: the variants one after another; each keeps its result (time series,
///   latencies, the Tangle with the transaction log) while the next runs, so the peak is the
///   largest of (variant i's peak + the results of variants before it).
/// - `sweep`, `check`: up to `jobs` runs at once on worker threads, each run's summary only;
///   the peak is the `jobs` largest runs together, plus each worker's thread.
public struct WorkloadEstimate: Sendable {
    /// One run (or several identical ones: a sweep point's replications) of the workload.
    public struct Run: Sendable {
        /// How the report names it: `run`, `variant "MCMC"`, `point 3`.
        public var label: String
        /// Appended to a refusal, in parentheses, like sweep errors: `in sweep point 3:
        /// network.delay = 4`, `in variant "MCMC"`; nil for a single run.
        public var context: String?
        public var estimate: RunEstimate
        /// How many such runs (replications).
        public var count: Int
        /// Resident and virtual bytes of earlier runs' results still held while this one runs.
        public var heldResidentBytes: Double = 0
        public var heldVirtualBytes: Double = 0
    }

    /// The scenario file, for messages.
    public let file: String
    /// The runs, in order.
    public let runs: [Run]
    /// Runs alive at once (1 except for sweeps and checks), and the flag that sets it.
    public let jobs: Int
    public let jobsFlag: String

    /// The process's own resident bytes: the Swift runtime, Foundation and this program
    /// with a run of one transaction, measured on the project's x86_64 machine (peak RSS
    /// 23,900 KiB, `/usr/bin/time -v`).
    public static let processResidentBytes = Double(23_900 << 10)
    /// The process's own address space, measured the same way (`VmPeak` 75,648 KiB).
    public static let processVirtualBytes = Double(75_648 << 10)
    /// A worker thread's address space: its 16 MiB stack and the 64 MiB heap glibc's malloc
    /// maps for its arena (the first arena briefly maps 128 MiB to align it:
    /// ``firstArenaVirtualBytes``). Resident: only what the run uses, counted in the run.
    public static let workerVirtualBytes = Double(16 << 20 + 64 << 20)
    public static let firstArenaVirtualBytes = Double(64 << 20)

    /// One run of `scenario` (`tanglesim run`, or `draw` with `use: .inMemory`).
    public static func single(_ scenario: Scenario, file: String, use: RunEstimate.Use = .run) -> WorkloadEstimate {
        WorkloadEstimate(
            file: file, runs: [Run(label: "run", context: nil, estimate: RunEstimate(scenario, use: use), count: 1)],
            jobs: 1, jobsFlag: "")
    }

    /// `tanglesim compare`: every variant in order, each holding the results before it.
    public static func comparison(_ scenario: Scenario, file: String) -> WorkloadEstimate {
        var runs: [Run] = []
        var heldResident = 0.0, heldVirtual = 0.0
        for variant in scenario.variants {
            let estimate = RunEstimate(scenario.applying(variant), use: .inMemory)
            runs.append(
                Run(
                    label: "variant \(JSONValue._quoted(variant.label))", context: "in variant \(JSONValue._quoted(variant.label))",
                    estimate: estimate, count: 1, heldResidentBytes: heldResident, heldVirtualBytes: heldVirtual))
            heldResident += estimate.retainedResidentBytes
            heldVirtual += estimate.retainedVirtualBytes
        }
        return WorkloadEstimate(file: file, runs: runs, jobs: 1, jobsFlag: "")
    }

    /// A sweep on `jobs` workers: every point's replications, summaries only.
    ///
    /// - Parameter use: `.sweepWorker` for `tanglesim sweep` (which keeps freed memory for
    ///   the next run), `.inMemory` for other callers of ``SweepRunner`` (`check`).
    public static func sweep(
        _ sweep: Sweep, jobs: Int, jobsFlag: String = "--jobs", use: RunEstimate.Use = .sweepWorker
    ) -> WorkloadEstimate {
        let runs = sweep.points.map { point in
            Run(
                label: "point \(point.index)", context: sweep.context(ofPoint: point.index),
                estimate: RunEstimate(point.scenario, use: use), count: sweep.replications)
        }
        return WorkloadEstimate(file: sweep.file, runs: runs, jobs: Swift.max(1, Swift.min(jobs, sweep.runCount)), jobsFlag: jobsFlag)
    }

    /// `count` replications of `scenario` on `jobs` workers, results dropped as they finish
    /// (the cumulative-weight check of `tanglesim check`).
    public static func replications(_ scenario: Scenario, file: String, count: Int, jobs: Int) -> WorkloadEstimate {
        WorkloadEstimate(
            file: file, runs: [Run(label: "replication", context: nil, estimate: RunEstimate(scenario, use: .inMemory), count: count)],
            jobs: Swift.max(1, Swift.min(jobs, count)), jobsFlag: "--jobs")
    }

    /// Whether runs go to worker threads (sweeps, checks) rather than the main thread.
    public var usesWorkers: Bool { !jobsFlag.isEmpty }

    /// A margin on address space, so that the estimate stays an upper bound of the process's
    /// peak (what `ulimit -v` compares with): 2% plus 8 MiB, for what the model leaves out —
    /// page rounding of each mapping, malloc's top padding, regions the runtime maps lazily.
    /// On the benchmarks the unmargined estimate came within 0.5% + 1.6 MiB of the measured
    /// `VmPeak`, below or above.
    public static func virtualMargin(_ bytes: Double) -> Double { 0.02 * bytes + Double(8 << 20) }

    /// The process's own bytes for `workers` worker threads: (resident, virtual).
    func processBytes(workers: Int) -> (resident: Double, virtual: Double) {
        let threads = workers > 0 ? Self.firstArenaVirtualBytes + Double(workers) * Self.workerVirtualBytes : 0
        return (Self.processResidentBytes, Self.processVirtualBytes + threads)
    }

    /// The peak of one run alone, with the process and what earlier runs hold: (resident,
    /// virtual).
    public func peak(of run: Run) -> (resident: Double, virtual: Double) {
        let process = processBytes(workers: usesWorkers ? 1 : 0)
        let virtual = process.virtual + run.heldVirtualBytes + run.estimate.peakVirtualBytes
        return (process.resident + run.heldResidentBytes + run.estimate.peakResidentBytes, virtual + Self.virtualMargin(virtual))
    }

    /// The peak with `workers` runs at once: the process, the threads, and the `workers`
    /// largest runs (a point counts as many times as it has replications); (resident,
    /// virtual).
    public func peak(workers: Int) -> (resident: Double, virtual: Double) {
        let process = processBytes(workers: usesWorkers ? workers : 0)
        guard usesWorkers else {
            let largest = runs.map(peak(of:))
            return (largest.map(\.resident).max() ?? process.resident, largest.map(\.virtual).max() ?? process.virtual)
        }
        func largest(_ bytes: (Run) -> Double) -> Double {
            var remaining = workers
            var total = 0.0
            for run in runs.sorted(by: { bytes($0) > bytes($1) }) where remaining > 0 {
                let taken = Swift.min(remaining, run.count)
                total += Double(taken) * bytes(run)
                remaining -= taken
            }
            return total
        }
        let virtual = process.virtual + largest { $0.estimate.peakVirtualBytes }
        return (process.resident + largest { $0.estimate.peakResidentBytes }, virtual + Self.virtualMargin(virtual))
    }

    /// The whole workload's peak: (resident, virtual).
    public var peak: (resident: Double, virtual: Double) { peak(workers: jobs) }

    /// The most events of one run.
    public var mostEvents: Double { runs.map(\.estimate.totalEvents).max() ?? 0 }
}
