/// What a command will cost in all: its runs (one, a comparison's variants, a sweep's points),
/// how many of them are alive at once, and the process's own memory.
///
/// - `run`, `draw`: one run, plus the process.
/// - `compare`: variants × replications runs, up to `jobs` at once on worker threads; every
///   finished run keeps its summary and sorted latencies until the end (``kept``), when the
///   files are written. The peak is the `jobs` largest runs together beside every run's kept
///   results (an upper bound: the runs under way have not kept theirs yet) and the pooling
///   of one variant's latencies for `compare-latency.csv`, which comes after the runs but
///   beside the memory they freed, which glibc keeps in the workers' arenas (measured:
///   `Scenarios/compare-strategies.json` with 4 replications peaks 5.3 MiB above one
///   replication, 3.0 MiB of which are kept results).
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
    }

    /// The results a comparison keeps from its runs until it writes its files.
    public struct Kept: Sendable {
        /// The comparison's variants and replications (runs: their product).
        public var variants: Int
        public var replications: Int
        /// Every run's summary and sorted latencies: resident and virtual bytes.
        public var residentBytes: Double
        public var virtualBytes: Double
        /// The most bytes used beside them while the files are written: pooling the
        /// latencies of one variant's replications (a copy, and the radix sort's buffer and
        /// counters); 0 with one replication (no copy).
        public var writingResidentBytes: Double
        public var writingVirtualBytes: Double

        /// The number of runs, variants × replications.
        public var runs: Int { variants * replications }
    }

    /// The scenario file, for messages.
    public let file: String
    /// The runs, in order.
    public let runs: [Run]
    /// Runs alive at once (1 for `run` and `draw`), and the flag that sets it.
    public let jobs: Int
    public let jobsFlag: String
    /// The results kept until the end (a comparison's), or nil.
    public var kept: Kept?

    /// A comparison's kept summary, per run: the array of ``RunSummary``'s fields (a header
    /// and a ``CSVValue`` per column) and, generously, 512 bytes for the heap storage of its
    /// long texts (names and labels beyond 15 bytes) and the run's record.
    public static let keptSummaryBytes = Double(32 + SummaryColumn.all.count * MemoryLayout<CSVValue>.stride + 512)

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

    /// `tanglesim compare` of `scenario`'s variants, each ``Scenario/replications`` times, on
    /// `jobs` workers.
    public static func comparison(_ scenario: Scenario, file: String, jobs: Int) -> WorkloadEstimate {
        let replications = Double(scenario.replications)
        var runs: [Run] = []
        var kept = Kept(
            variants: scenario.variants.count, replications: scenario.replications, residentBytes: 0, virtualBytes: 0,
            writingResidentBytes: 0, writingVirtualBytes: 0)
        for variant in scenario.variants {
            let estimate = RunEstimate(scenario.applying(variant), use: .inMemory)
            runs.append(
                Run(
                    label: "variant \(JSONValue._quoted(variant.label))", context: "in variant \(JSONValue._quoted(variant.label))",
                    estimate: estimate, count: scenario.replications))
            kept.residentBytes += replications * (keptSummaryBytes + estimate.latencyResidentBytes)
            kept.virtualBytes += replications * (keptSummaryBytes + estimate.latencyVirtualBytes)
            if scenario.replications > 1, estimate.latencyResidentBytes > 0 {
                // The pooled copy and the radix sort's buffer (exact sizes), and its counters.
                let pooled = 2 * replications * estimate.latencyResidentBytes + Double(8 << 16)
                kept.writingResidentBytes = Swift.max(kept.writingResidentBytes, pooled)
                kept.writingVirtualBytes = Swift.max(kept.writingVirtualBytes, pooled)
            }
        }
        let total = Swift.max(1, scenario.variants.count * scenario.replications)
        return WorkloadEstimate(
            file: file, runs: runs, jobs: Swift.max(1, Swift.min(jobs, total)), jobsFlag: "--jobs", kept: kept)
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

    /// The peak of one run alone, with the process and the kept results: (resident,
    /// virtual).
    public func peak(of run: Run) -> (resident: Double, virtual: Double) {
        let process = processBytes(workers: usesWorkers ? 1 : 0)
        let virtual = process.virtual + (kept?.virtualBytes ?? 0) + run.estimate.peakVirtualBytes
        return (
            process.resident + (kept?.residentBytes ?? 0) + run.estimate.peakResidentBytes, virtual + Self.virtualMargin(virtual)
        )
    }

    /// The peak of the kept results alone, with the process and `workers` threads, while
    /// the files are written: (resident, virtual); nil without kept results.
    public func keptPeak(workers: Int) -> (resident: Double, virtual: Double)? {
        guard let kept else { return nil }
        let process = processBytes(workers: usesWorkers ? workers : 0)
        let virtual = process.virtual + kept.virtualBytes + kept.writingVirtualBytes
        return (process.resident + kept.residentBytes + kept.writingResidentBytes, virtual + Self.virtualMargin(virtual))
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
        // A comparison's kept results stay beside the runs; pooling latencies at the end
        // happens beside the memory the last runs freed, which glibc keeps in their workers'
        // arenas (a thread's heap shrinks only from its top).
        let keptResident = (kept?.residentBytes ?? 0) + (kept?.writingResidentBytes ?? 0)
        let keptVirtual = (kept?.virtualBytes ?? 0) + (kept?.writingVirtualBytes ?? 0)
        let virtual = process.virtual + keptVirtual + largest { $0.estimate.peakVirtualBytes }
        return (process.resident + keptResident + largest { $0.estimate.peakResidentBytes }, virtual + Self.virtualMargin(virtual))
    }

    /// The whole workload's peak: (resident, virtual).
    public var peak: (resident: Double, virtual: Double) { peak(workers: jobs) }

    /// The most events of one run.
    public var mostEvents: Double { runs.map(\.estimate.totalEvents).max() ?? 0 }
}
