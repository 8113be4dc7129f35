import Foundation

/// Runs a scenario's variants side by side on common random numbers, each
/// ``Scenario/replications`` times, on worker threads (a ``WorkerPool``).
///
/// Run (v, r) simulates `scenario.applying(variants[v])` as replication r of the scenario's
/// seed. Runs are numbered v × replications + r, so sorting by number sorts by (variant,
/// replication).
///
/// - Common random numbers: within a replication every variant draws its arrivals from the
///   same stream (seed, r, arrivals), which no strategy draws from, so every variant sees
///   identical issue times and devices; milestones draw from the coordinator's own stream.
///   Differences between the variants of one replication are then due to the strategies,
///   not to different arrival samples.
/// - Replications: they differ by their replication number only, as the replications of a
///   sweep point do (``Sweep``'s "Seeds"): each random stream is derived from (seed,
///   replication, stream id), so replications are independent, and replication 0 is what
///   `tanglesim run` of the variant gives. A comparison of one replication is therefore
///   the comparison TangleSim made before replications existed, byte for byte.
/// - Workers: which worker runs which run, and in which order runs finish, changes nothing
///   in any run's result, and results are put in run order: every output is identical for
///   any number of jobs.
///
/// Memory: a run keeps only its summary and sorted latencies once it ends (``Run``); the
/// rest of its result (time series, the Tangle of a transaction log) is freed at once.
public enum Comparison {
    /// What a comparison keeps of one run.
    public struct Run: Sendable {
        /// The variant's label, its index in ``Scenario/variants`` and the replication.
        public var label: String
        public var variant: Int
        public var replication: Int
        /// The run's row of `summary.csv`.
        public var summary: RunSummary
        /// The sorted confirmation latencies of the run's measured, uncensored, confirmed
        /// payloads (empty without a confirmation rule).
        public var latencies: [Double]
        /// Whether the variant has a confirmation rule (its latencies go to
        /// `compare-latency.csv`).
        public var confirming: Bool
        /// Wall-clock seconds the simulation took (a cost, never written to a CSV).
        public var seconds: Double
        /// The run's rows of `classes.csv` (for `compare-classes.csv`).
        public var classes: [ClassRow] = []
    }

    /// Every run of a comparison, in run order.
    public struct Result: Sendable {
        /// The variants' labels, in the scenario's order.
        public var labels: [String]
        /// Runs per variant.
        public var replications: Int
        /// Every run, sorted by (variant, replication).
        public var runs: [Run]

        /// The runs of variant `variant`, by replication.
        public func runs(ofVariant variant: Int) -> ArraySlice<Run> {
            runs[(variant * replications)..<((variant + 1) * replications)]
        }

        /// Simulated transactions per wall-clock second of variant `variant`: its arrivals
        /// over all replications divided by the seconds their simulations took (on one worker
        /// each); NaN when no time was measured. A cost, never written to a CSV.
        public func transactionsPerSecond(ofVariant variant: Int) -> Double {
            let group = runs(ofVariant: variant)
            let seconds = group.reduce(0) { $0 + $1.seconds }
            return seconds > 0 ? Double(group.reduce(0) { $0 + $1.summary.transactions }) / seconds : .nan
        }
    }

    /// Simulates run (variant, replication) of `scenario`'s comparison: a pure function of
    /// its arguments.
    ///
    /// - Parameter progress: called now and then with the fraction of the run done (0...1).
    public static func simulate(
        _ scenario: Scenario, variant: Int, replication: Int, progress: ((Double) -> Void)? = nil
    ) -> RunResult {
        Simulation.run(scenario.applying(scenario.variants[variant]), replication: replication, progress: progress)
    }

    /// Runs every variant of `scenario` ``Scenario/replications`` times on `jobs` worker
    /// threads.
    ///
    /// - Parameters:
    ///   - jobs: Runs at once (at most the number of runs are used).
    ///   - progress: called with (run number, fraction of that run done), from the worker
    ///     threads, concurrently: it must be thread-safe.
    /// - Precondition: the scenario has variants; `jobs >= 1`.
    /// - Complexity: variants × replications runs, `jobs` at a time.
    public static func run(
        _ scenario: Scenario, jobs: Int = 1, progress: (@Sendable (Int, Double) -> Void)? = nil
    ) -> Result {
        precondition(!scenario.variants.isEmpty, "a comparison needs variants")
        precondition(jobs >= 1, "a comparison needs at least one worker")
        let replications = scenario.replications
        let clock = ContinuousClock()
        let runs = WorkerPool.map(0..<(scenario.variants.count * replications), jobs: jobs) { number in
            let (variant, replication) = (number / replications, number % replications)
            var result: RunResult?
            let elapsed = clock.measure {
                result = simulate(
                    scenario, variant: variant, replication: replication, progress: progress.map { report in { report(number, $0) } })
            }
            return Run(
                label: scenario.variants[variant].label, variant: variant, replication: replication, summary: result!.summary,
                latencies: result!.latencies, confirming: result!.scenario.consensus != .none,
                seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
                classes: result!.classes)
        }
        return Result(labels: scenario.variants.map(\.label), replications: replications, runs: runs)
    }
}
