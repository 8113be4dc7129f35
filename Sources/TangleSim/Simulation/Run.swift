/// Everything one run produces, for the writers to turn into files.
public struct RunResult: Sendable {
    /// The scenario as run (seed included).
    public var scenario: Scenario
    public var replication: Int
    /// The row of `summary.csv`.
    public var summary: RunSummary
    /// The rows of `timeseries.csv`.
    public var timeseries: [TimeseriesRow]
    /// The rows of `classes.csv`: each device class, then each adversary.
    public var classes: [ClassRow] = []
    /// The whole Tangle, kept only when the scenario asks for a transaction log.
    public var tangle: Tangle?
    /// Events the engine handled.
    public var events: UInt64
    /// What the tip selector's walks did and cost (MCMC only).
    public var walkStatistics: WalkStatistics?
    /// The sorted confirmation latencies of the measured, uncensored, confirmed payloads,
    /// for `latency.csv` (empty without a confirmation rule).
    public var latencies: [Double]
    /// Each transaction's confirmation time, kept with the transaction log when there is a
    /// confirmation rule.
    public var confirmedAt: ContiguousArray<Double>?
    /// Each transaction's payload (the transaction that first carried it), kept with the
    /// transaction log when devices reattach.
    public var payloads: ContiguousArray<Int32>?
    /// How each conflict ended (nil when the scenario cannot have conflicts).
    public var conflicts: ConflictOutcome?
    /// The run's conflict ledger, kept with the transaction log when conflicts can arise
    /// (members and their transactions, decisions, counts).
    public var ledger: ConflictSnapshot?
    /// Redraws, short transactions and refusals of consistent parent choice (nil when the
    /// scenario cannot have conflicts).
    public var paymentCounts: (redraws: Int, shortTransactions: Int, refused: Int)?
    /// How each adversary's attack went, in the scenario's order (empty without adversaries).
    public var attacks: [AttackRecord] = []
    /// The tip selector's own counts (restricted URTS: its fallbacks).
    public var selectionCounts: [(String, Int)] = []
    /// The rows of `walks.csv` (with `metrics.walkAnalysis`).
    public var walkAnalyses: [WalkAnalysisRow] = []
    /// How each summary statistic's quantiles were computed (`exact`, or from a histogram
    /// beyond `metrics.exactQuantiles` values), for the manifest.
    public var quantileMethods: [(String, String)] = []
    /// How many transactions' records the run forgot as it went, judged and settled
    /// (``Scenario/forgetsSettledPast``; 0 for a run that kept everything).
    public var forgottenTransactions = 0
}

/// Runs scenarios. The entry point of the simulation library.
public enum Simulation {
    /// Checks what decoding cannot: that a gossip network's random topology can be drawn
    /// connected for this seed and replication.
    ///
    /// - Throws: ``ScenarioError`` at `network.topology` naming the problem.
    public static func checkRunnable(_ scenario: Scenario, replication: Int = 0, file: String) throws {
        guard let gossip = scenario.network.gossip else { return }
        do {
            // The same draw a run makes first (GossipNetwork.init), without the latencies and
            // the shortest-path table.
            _ = try Topology.generate(
                gossip.topology, nodes: gossip.nodes,
                rng: RandomStream(seed: scenario.seed, replication: replication, stream: .topology))
        } catch {
            throw ScenarioError(file: file, path: "network.topology", message: "\(error)")
        }
    }

    /// Runs replication `replication` of `scenario` to its stop condition.
    ///
    /// - Parameters:
    ///   - progress: called now and then with the fraction of the run done (0...1).
    ///   - forgetEvery: as for ``TangleSimulation/init(scenario:replication:devices:network:expectedTransactions:coordinatorSelector:issuers:forgetEvery:logSpill:)``
    ///     (tests: outputs do not depend on it).
    ///   - logSpill: where a run that forgets its settled past writes the rows of
    ///     `transactions.csv` as it forgets (``forgetsWithLog(_:)``); without one, a run with
    ///     a transaction log keeps every transaction.
    public static func run(
        _ scenario: Scenario, replication: Int = 0, progress: ((Double) -> Void)? = nil, forgetEvery: Int? = nil,
        logSpill: TransactionLogSpill? = nil
    ) -> RunResult {
        scenario.tipSelection.withDeviceSelector(
            scenario: scenario,
            _RunWithSelector(scenario: scenario, replication: replication, progress: progress, forgetEvery: forgetEvery, logSpill: logSpill))
    }

    /// Whether a run of `scenario` with a transaction log forgets its settled past, and so
    /// needs a ``TransactionLogSpill`` to write the log's rows as it goes.
    public static func forgetsWithLog(_ scenario: Scenario) -> Bool {
        scenario.metrics.transactionLog && SettledPast.isUsed(by: scenario, expectedTransactions: expectedTransactions(of: scenario))
    }

    /// Runs a scenario with the devices' selector ``TipSelectionConfiguration/withDeviceSelector(scenario:_:)``
    /// builds.
    private struct _RunWithSelector: TipSelectorConsumer {
        let scenario: Scenario
        let replication: Int
        let progress: ((Double) -> Void)?
        let forgetEvery: Int?
        let logSpill: TransactionLogSpill?

        func consume<Selector: TipSelector>(_ selector: consuming Selector) -> RunResult {
            Simulation.run(
                scenario, replication: replication, selector: selector, progress: progress, forgetEvery: forgetEvery, logSpill: logSpill)
        }
    }

    /// Runs `scenario` with a given tip selector for its devices, on its network model. The
    /// run takes the selector over (`consuming`, down to the simulation), so that its weights
    /// are not shared with a caller's copy and copied on the first update.
    public static func run<Selector: TipSelector>(
        _ scenario: Scenario, replication: Int, selector: consuming Selector, progress: ((Double) -> Void)? = nil,
        forgetEvery: Int? = nil, logSpill: TransactionLogSpill? = nil
    ) -> RunResult {
        let arrivals = DeviceArrivals(scenario: scenario, replication: replication)
        let devices = DeviceFleet(scenario: scenario, replication: replication, selector: consume selector, arrivals: arrivals)
        switch scenario.network {
        case .delay(let delay):
            return run(
                scenario, replication: replication, devices: consume devices, network: DelayNetworkModel(delay: delay),
                progress: progress, forgetEvery: forgetEvery, logSpill: logSpill)
        case .gossip(let configuration):
            let network: GossipNetworkModel
            do {
                network = try GossipNetworkModel(configuration, scenario: scenario, replication: replication)
            } catch {
                preconditionFailure("\(error) (check scenarios with Simulation.checkRunnable first)")
            }
            return run(
                scenario, replication: replication, devices: consume devices, network: consume network, progress: progress,
                forgetEvery: forgetEvery, logSpill: logSpill)
        }
    }

    /// Runs `scenario` with the given devices on the given network model (both taken over).
    ///
    /// - Parameters: `forgetEvery` and `logSpill` as for ``TangleSimulation/init(scenario:replication:devices:network:expectedTransactions:coordinatorSelector:issuers:forgetEvery:logSpill:)``.
    public static func run<Selector: TipSelector, Arrivals: ArrivalProcess, Network: NetworkModel>(
        _ scenario: Scenario, replication: Int, devices: consuming DeviceFleet<Selector, Arrivals>, network: consuming Network,
        progress: ((Double) -> Void)? = nil, forgetEvery: Int? = nil, logSpill: TransactionLogSpill? = nil
    ) -> RunResult {
        let expectedEnd = expectedEndTime(of: scenario)
        var simulation = TangleSimulation(
            scenario: scenario, replication: replication, devices: consume devices, network: consume network,
            expectedTransactions: expectedTransactions(of: scenario),
            coordinatorSelector: scenario.consensus.coordinator.map { $0.tipSelection.coordinatorSelector(scenario: scenario) },
            issuers: scenario.adversaries.indices.map { Adversary(scenario: scenario, replication: replication, number: $0) },
            forgetEvery: forgetEvery, logSpill: logSpill)
        var engine = Engine<TangleEvent>()
        simulation.start(&engine)
        let reason = engine.run(
            until: scenario.duration ?? .infinity, handler: &simulation,
            progress: progress.map { report in { now in report(Swift.min(1, now / expectedEnd)) } })
        precondition(reason != .exhausted || scenario.duration != nil, "arrivals never run out")
        var (summary, latencies, outcome, attacks) = simulation.finishWithOutcome(at: engine.now)
        if !scenario.metrics.transactionLog { outcome?.dropTransactionMarks() }
        progress?(1)
        return RunResult(
            scenario: scenario, replication: replication, summary: summary,
            timeseries: simulation.metrics.timeseries, classes: simulation.metrics.classes,
            tangle: scenario.metrics.transactionLog ? simulation.tangle : nil,
            events: engine.handledEvents, walkStatistics: simulation.devices.selector.walkStatistics,
            latencies: latencies,
            confirmedAt: scenario.metrics.transactionLog ? simulation.confirmation?.confirmedAt : nil,
            payloads: scenario.metrics.transactionLog ? simulation.confirmation?.payload : nil,
            conflicts: outcome, ledger: scenario.metrics.transactionLog ? simulation.conflicts?.snapshot : nil,
            paymentCounts: simulation.conflicts.map { ($0.redraws, $0.shortTransactions, $0.refused) }, attacks: attacks,
            selectionCounts: simulation.devices.selector.selectionCounts, walkAnalyses: simulation.walkAnalyses,
            quantileMethods: simulation.metrics.quantileMethods, forgottenTransactions: Int(simulation.tangle.firstRetained))
    }

    /// The initial ring size of ``WindowedWeights``: the transactions expected within the
    /// span walks can reach (2W, or depth + 1 milestone intervals) plus four mean delays,
    /// with a quarter more for fluctuations. A wrong guess costs a rebuild, never a result.
    static func windowCapacity(of scenario: Scenario, start: WalkStart) -> Int {
        let delay: DelayDistribution =
            switch scenario.network {
            case .delay(let delay): delay
            case .gossip(let gossip):
                // Generously sqrt(N) + 1 hops to the farthest node.
                .constant((gossip.linkLatency.mean + gossip.processingDelay.mean) * (Double(gossip.nodes).squareRoot().rounded(.up) + 1))
            }
        let span: Double =
            switch start {
            case .window(let w): 2 * w
            case .milestone(let depth): Double(depth + 1) * (scenario.consensus.coordinator?.interval ?? 0)
            case .genesis: 0
            // About `weight` transactions lie between the entry point and the tips.
            case .backtrack(let weight): Double(weight) / Swift.max(scenario.lambda, 1e-9)
            }
        let expected = scenario.lambda * (span + 4 * delay.mean)
        return Int(Swift.min(expected * 1.25 + 256, Double(1 << 26)))
    }

    /// The time at which the run is expected to stop, for progress reports.
    static func expectedEndTime(of scenario: Scenario) -> Double {
        let byCount = scenario.transactions.map { Double($0) / scenario.lambda } ?? .infinity
        return Swift.min(scenario.duration ?? .infinity, byCount)
    }

    /// Storage to reserve: the transaction count, or the expected count over the duration
    /// plus six standard deviations of the Poisson count.
    static func expectedTransactions(of scenario: Scenario) -> Int {
        var expected = Double.infinity
        if let count = scenario.transactions { expected = Double(count) + 1 }
        if let duration = scenario.duration {
            let mean = scenario.lambda * duration
            expected = Swift.min(expected, mean + 6 * mean.squareRoot() + 16)
        }
        return Int(Swift.min(expected, Double(Int32.max)))
    }
}

extension TangleSimulation where Arrivals == PoissonArrivals {
    /// A simulation of `scenario` whose devices arrive as Poisson processes and choose
    /// parents with `selector`, on `network`; the coordinator (if any) gets its own selector
    /// as ``Simulation/run(_:replication:progress:)`` would give it.
    public init(
        scenario: Scenario, replication: Int, selector: Selector, network: Network, expectedTransactions: Int = 0
    ) {
        let arrivals = PoissonArrivals(
            classes: scenario.devices,
            rng: RandomStream(seed: scenario.seed, replication: replication, stream: .arrivals))
        self.init(
            scenario: scenario, replication: replication,
            devices: DeviceFleet(scenario: scenario, replication: replication, selector: selector, arrivals: arrivals),
            network: network, expectedTransactions: expectedTransactions,
            coordinatorSelector: scenario.consensus.coordinator.map { $0.tipSelection.coordinatorSelector(scenario: scenario) },
            issuers: scenario.adversaries.indices.map { Adversary(scenario: scenario, replication: replication, number: $0) })
    }
}
